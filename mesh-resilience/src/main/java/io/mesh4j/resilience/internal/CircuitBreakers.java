package io.mesh4j.resilience.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.resilience.ResilienceEvent;

/** Builds a service's resilience4j circuit breaker from its {@code circuit-breaker.*} keys. */
final class CircuitBreakers {

  private CircuitBreakers() {}

  /** The breaker, or null when {@code circuit-breaker.enabled=false}. */
  static CircuitBreaker create(ServiceConfig config, EventDispatcher events) {
    if (!config.get(ResilienceKeys.CB_ENABLED)) {
      return null;
    }
    CircuitBreakerConfig cbConfig =
        CircuitBreakerConfig.custom()
            .failureRateThreshold(config.get(ResilienceKeys.CB_FAILURE_RATE).floatValue())
            .slowCallRateThreshold(config.get(ResilienceKeys.CB_SLOW_CALL_RATE).floatValue())
            .slowCallDurationThreshold(config.get(ResilienceKeys.CB_SLOW_CALL_DURATION))
            .slidingWindowType(
                config.get(ResilienceKeys.CB_WINDOW_TYPE).equals("time")
                    ? SlidingWindowType.TIME_BASED
                    : SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(config.get(ResilienceKeys.CB_WINDOW_SIZE))
            .minimumNumberOfCalls(config.get(ResilienceKeys.CB_MINIMUM_CALLS))
            .waitDurationInOpenState(config.get(ResilienceKeys.CB_OPEN_DURATION))
            .permittedNumberOfCallsInHalfOpenState(config.get(ResilienceKeys.CB_HALF_OPEN_CALLS))
            // Open → half-open on the next request after open-duration: resilience4j's automatic
            // transition would run a scheduler thread nobody here owns.
            .automaticTransitionFromOpenToHalfOpenEnabled(false)
            .build();
    CircuitBreaker breaker = CircuitBreaker.of(config.name(), cbConfig);
    breaker
        .getEventPublisher()
        .onStateTransition(
            e ->
                events.emit(
                    ResilienceEvent.circuitStateChanged(
                        config.name(),
                        CircuitStates.of(e.getStateTransition().getFromState()),
                        CircuitStates.of(e.getStateTransition().getToState()))));
    return breaker;
  }
}
