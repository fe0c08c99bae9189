package io.mesh4j.resilience.internal;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.resilience.CircuitState;
import io.mesh4j.resilience.ServiceResilienceSnapshot;
import io.mesh4j.spi.MeshContext;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Everything resilience keeps for one service in one mesh client: its bulkhead, circuit breaker,
 * retry policy and budget, outlier detector, health checker and panic state. Parts that are
 * switched off are null.
 */
final class ServiceResilience implements AutoCloseable {

  private final String name;
  private final EventDispatcher events;
  private final Bulkhead bulkhead;
  private final CircuitBreaker circuitBreaker;
  private final StatusSet failureStatuses;
  private final RetryPolicy retryPolicy;
  private final RetryBudget retryBudget;
  private final OutlierDetector outlierDetector;
  private final HealthChecker healthChecker;
  private final int panicThreshold;
  private final PanicState panic;

  private ServiceResilience(ServiceConfig config, MeshContext context, EventDispatcher events,
      Supplier<HealthCheckClient> healthCheckClient) {
    this.name = config.name();
    this.events = events;
    this.bulkhead = config.get(ResilienceKeys.BULKHEAD_ENABLED)
        ? Bulkhead.of(name, BulkheadConfig.custom()
            .maxConcurrentCalls(config.get(ResilienceKeys.BULKHEAD_MAX_CONCURRENT))
            .maxWaitDuration(config.get(ResilienceKeys.BULKHEAD_MAX_WAIT))
            .build())
        : null;
    this.circuitBreaker = CircuitBreakers.create(config, events);
    this.failureStatuses = config.get(ResilienceKeys.CB_FAILURE_STATUSES);
    this.retryPolicy = RetryPolicy.of(config);
    this.retryBudget = new RetryBudget(
        context.clock(),
        config.get(ResilienceKeys.RETRY_BUDGET_RATIO),
        config.get(ResilienceKeys.RETRY_BUDGET_MIN_PER_SECOND),
        config.get(ResilienceKeys.RETRY_BUDGET_WINDOW));
    Runnable refresh = () -> context.refreshEndpoints(name);
    this.outlierDetector = config.get(ResilienceKeys.OUTLIER_ENABLED)
        ? new OutlierDetector(config, context.clock(), context.scheduler(), refresh, events)
        : null;
    this.healthChecker = config.get(ResilienceKeys.HC_PATH) != null
        ? new HealthChecker(config, healthCheckClient.get(), context.scheduler(), refresh, events)
        : null;
    this.panicThreshold = config.get(ResilienceKeys.PANIC_THRESHOLD);
    this.panic = new PanicState(name, events);
  }

  static ServiceResilience create(ServiceConfig config, MeshContext context, EventDispatcher events,
      Supplier<HealthCheckClient> healthCheckClient) {
    return new ServiceResilience(config, context, events, healthCheckClient);
  }

  String name() {
    return name;
  }

  EventDispatcher events() {
    return events;
  }

  Bulkhead bulkhead() {
    return bulkhead;
  }

  CircuitBreaker circuitBreaker() {
    return circuitBreaker;
  }

  /** Statuses that count as failures for the circuit breaker and outlier detection. */
  StatusSet failureStatuses() {
    return failureStatuses;
  }

  RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  RetryBudget retryBudget() {
    return retryBudget;
  }

  OutlierDetector outlierDetector() {
    return outlierDetector;
  }

  HealthChecker healthChecker() {
    return healthChecker;
  }

  int panicThreshold() {
    return panicThreshold;
  }

  PanicState panic() {
    return panic;
  }

  ServiceResilienceSnapshot snapshot() {
    return new ServiceResilienceSnapshot(
        name,
        circuitBreaker == null ? CircuitState.DISABLED : CircuitStates.of(circuitBreaker.getState()),
        outlierDetector == null ? Set.of() : outlierDetector.ejected(),
        healthChecker == null ? Set.of() : healthChecker.unhealthy(),
        panic.inPanic());
  }

  @Override
  public void close() {
    if (healthChecker != null) {
      healthChecker.close();
    }
  }
}
