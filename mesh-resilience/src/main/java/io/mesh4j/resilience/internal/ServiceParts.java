package io.mesh4j.resilience.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.spi.MeshContext;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Makes the parts of a service's resilience from what the services of one client share: the mesh
 * context, the event publisher and the health-check client (created when first needed).
 */
final class ServiceParts {

  private final MeshContext context;
  private final ResilienceEvents events;
  private final Supplier<HealthCheckClient> healthCheckClient;
  private final BiPredicate<String, CircuitBreaker> currentBreaker;

  /**
   * @param currentBreaker whether a breaker is the one a service uses now (only its transitions
   *     are published)
   */
  ServiceParts(
      MeshContext context,
      ResilienceEvents events,
      Supplier<HealthCheckClient> healthCheckClient,
      BiPredicate<String, CircuitBreaker> currentBreaker) {
    this.context = context;
    this.events = events;
    this.healthCheckClient = healthCheckClient;
    this.currentBreaker = currentBreaker;
  }

  ResilienceEvents events() {
    return events;
  }

  Predicate<CircuitBreaker> currentBreaker(String service) {
    return breaker -> currentBreaker.test(service, breaker);
  }

  RetryBudget retryBudget(RetryBudget.Settings settings) {
    return new RetryBudget(context.clock(), settings);
  }

  LatencyHistogram latencyHistogram() {
    return new LatencyHistogram(context.clock());
  }

  OutlierDetector outlierDetector(ServiceConfig config) {
    return new OutlierDetector(
        config.name(),
        OutlierDetector.Settings.of(config),
        context.clock(),
        context.scheduler(),
        refresh(config.name()),
        events);
  }

  /** A checker, or null for null settings (no health checks). */
  HealthChecker healthChecker(String service, HealthChecker.Settings settings) {
    if (settings == null) {
      return null;
    }
    return new HealthChecker(
        service, settings, healthCheckClient.get(), context.scheduler(), refresh(service), events);
  }

  /** Asks the mesh to re-run the endpoint filters of the service (a verdict changed). */
  private Runnable refresh(String service) {
    return () -> context.refreshEndpoints(service);
  }
}
