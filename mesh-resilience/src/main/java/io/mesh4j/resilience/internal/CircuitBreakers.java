package io.mesh4j.resilience.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.event.CircuitState;
import io.mesh4j.event.CircuitStateChanged;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Builds a service's resilience4j circuit breaker from its {@code circuit-breaker.*} keys, and
 * replaces it when they change without closing an open circuit.
 */
final class CircuitBreakers {

  private CircuitBreakers() {}

  /** What the breaker is built from; equal settings keep the running breaker. */
  record Settings(
      double failureRate,
      double slowCallRate,
      Duration slowCallDuration,
      boolean timeWindow,
      int windowSize,
      int minimumCalls,
      Duration openDuration,
      int halfOpenCalls) {

    /** The settings, or null when {@code circuit-breaker.enabled=false}. */
    static Settings of(ServiceConfig config) {
      if (!config.get(ResilienceKeys.CB_ENABLED)) {
        return null;
      }
      return new Settings(
          config.get(ResilienceKeys.CB_FAILURE_RATE),
          config.get(ResilienceKeys.CB_SLOW_CALL_RATE),
          config.get(ResilienceKeys.CB_SLOW_CALL_DURATION),
          config.get(ResilienceKeys.CB_WINDOW_TYPE).equals("time"),
          config.get(ResilienceKeys.CB_WINDOW_SIZE),
          config.get(ResilienceKeys.CB_MINIMUM_CALLS),
          config.get(ResilienceKeys.CB_OPEN_DURATION),
          config.get(ResilienceKeys.CB_HALF_OPEN_CALLS));
    }

    private CircuitBreakerConfig toConfig() {
      return CircuitBreakerConfig.custom()
          .failureRateThreshold((float) failureRate)
          .slowCallRateThreshold((float) slowCallRate)
          .slowCallDurationThreshold(slowCallDuration)
          .slidingWindowType(timeWindow ? SlidingWindowType.TIME_BASED : SlidingWindowType.COUNT_BASED)
          .slidingWindowSize(windowSize)
          .minimumNumberOfCalls(minimumCalls)
          .waitDurationInOpenState(openDuration)
          .permittedNumberOfCallsInHalfOpenState(halfOpenCalls)
          // Open → half-open on the next request after open-duration: resilience4j's automatic
          // transition would run a scheduler thread nobody here owns.
          .automaticTransitionFromOpenToHalfOpenEnabled(false)
          .build();
    }
  }

  /**
   * A new breaker, or null for null settings. Its transitions are published while {@code current}
   * says it is still the service's breaker: a replaced breaker that in-flight requests still
   * use, or the breaker of a removed service, must not announce a state the service is not in.
   */
  static CircuitBreaker create(
      String service, Settings settings, ResilienceEvents events, Predicate<CircuitBreaker> current) {
    if (settings == null) {
      return null;
    }
    CircuitBreaker breaker = CircuitBreaker.of(service, settings.toConfig());
    publishTransitions(breaker, service, events, current);
    return breaker;
  }

  /**
   * The breaker for changed settings. An open (or half-open: its trial is cut short) circuit stays
   * open in the new one, for a fresh {@code open-duration}: editing a threshold must not let
   * traffic through to a service that was failing. A closed one starts with an empty window.
   */
  static CircuitBreaker replace(
      CircuitBreaker previous,
      String service,
      Settings settings,
      ResilienceEvents events,
      Predicate<CircuitBreaker> current) {
    CircuitState before = CircuitStates.of(previous);
    if (settings == null) {
      publishChange(events, service, before, CircuitState.DISABLED);
      return null;
    }
    CircuitBreaker breaker = CircuitBreaker.of(service, settings.toConfig());
    if (before == CircuitState.OPEN || before == CircuitState.HALF_OPEN) {
      breaker.transitionToOpenState(); // before listening: this is no transition of the service's circuit
    }
    publishTransitions(breaker, service, events, current);
    publishChange(events, service, before, CircuitStates.of(breaker));
    return breaker;
  }

  private static void publishTransitions(
      CircuitBreaker breaker, String service, ResilienceEvents events, Predicate<CircuitBreaker> current) {
    breaker
        .getEventPublisher()
        .onStateTransition(
            e -> {
              if (current.test(breaker)) {
                events.publish(
                    new CircuitStateChanged(
                        service,
                        CircuitStates.of(e.getStateTransition().getFromState()),
                        CircuitStates.of(e.getStateTransition().getToState())));
              }
            });
  }

  private static void publishChange(ResilienceEvents events, String service, CircuitState from, CircuitState to) {
    if (from != to) {
      events.publish(new CircuitStateChanged(service, from, to));
    }
  }
}
