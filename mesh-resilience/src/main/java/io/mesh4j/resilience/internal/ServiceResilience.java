package io.mesh4j.resilience.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.lb.LoadBalancerKeys;
import io.mesh4j.pipeline.MeshCall;
import io.mesh4j.resilience.ServiceResilienceSnapshot;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Everything resilience keeps for one service in one mesh client: its bulkhead, circuit breaker,
 * retry policy and budget, outlier detector, health checker and panic state. Parts that are
 * switched off are null. Immutable: a configuration change makes a new holder ({@link
 * #updated}) that keeps the parts whose settings did not change, and the client swaps it in.
 */
final class ServiceResilience implements AutoCloseable {

  private final String name;
  private final ServiceConfig config;
  private final ServiceParts parts;
  private final CircuitBreakers.Settings breakerSettings;
  private final CircuitBreaker circuitBreaker;
  private final StatusSet failureStatuses;
  private final ServiceBulkhead bulkhead;
  private final RetryPolicy retryPolicy;
  private final RetryBudget retryBudget;
  private final RoutePolicies routePolicies = new RoutePolicies(RetryPolicy::of);
  // Null while no policy of the service hedges at a percentile; a route's may ask for one later.
  private volatile LatencyHistogram latencies;
  private final OutlierDetector outlierDetector;
  private final HealthChecker healthChecker;
  private final int panicThreshold;
  private final double overprovisioningFactor;
  private final PanicState panic;

  private ServiceResilience(
      String name,
      ServiceConfig config,
      ServiceParts parts,
      CircuitBreakers.Settings breakerSettings,
      CircuitBreaker circuitBreaker,
      StatusSet failureStatuses,
      ServiceBulkhead bulkhead,
      RetryPolicy retryPolicy,
      RetryBudget retryBudget,
      LatencyHistogram latencies,
      OutlierDetector outlierDetector,
      HealthChecker healthChecker,
      int panicThreshold,
      double overprovisioningFactor,
      PanicState panic) {
    this.name = name;
    this.config = config;
    this.parts = parts;
    this.breakerSettings = breakerSettings;
    this.circuitBreaker = circuitBreaker;
    this.failureStatuses = failureStatuses;
    this.bulkhead = bulkhead;
    this.retryPolicy = retryPolicy;
    this.retryBudget = retryBudget;
    this.latencies = latencies;
    this.outlierDetector = outlierDetector;
    this.healthChecker = healthChecker;
    this.panicThreshold = panicThreshold;
    this.overprovisioningFactor = overprovisioningFactor;
    this.panic = panic;
  }

  /** A new service's state; on failure nothing of it keeps running. */
  static ServiceResilience create(ServiceConfig config, ServiceParts parts) {
    String name = config.name();
    CircuitBreakers.Settings cb = CircuitBreakers.Settings.of(config);
    CircuitBreaker breaker = CircuitBreakers.create(name, cb, parts.events(), parts.currentBreaker(name));
    ServiceBulkhead bulkhead = config.get(ResilienceKeys.BULKHEAD_ENABLED) ? newBulkhead(config) : null;
    RetryPolicy retryPolicy = RetryPolicy.of(config);
    RetryBudget retryBudget = parts.retryBudget(RetryBudget.Settings.of(config));
    // Last, the parts with timers and probes: nothing after them may fail.
    OutlierDetector outliers = config.get(ResilienceKeys.OUTLIER_ENABLED) ? parts.outlierDetector(config) : null;
    HealthChecker health;
    try {
      health = parts.healthChecker(name, HealthChecker.Settings.of(config));
    } catch (RuntimeException e) {
      if (outliers != null) {
        outliers.close();
      }
      throw e;
    }
    return new ServiceResilience(
        name,
        config,
        parts,
        cb,
        breaker,
        config.get(ResilienceKeys.CB_FAILURE_STATUSES),
        bulkhead,
        retryPolicy,
        retryBudget,
        latencyHistogram(retryPolicy, null, parts),
        outliers,
        health,
        config.get(ResilienceKeys.PANIC_THRESHOLD),
        config.get(LoadBalancerKeys.PRIORITY_OVERPROVISIONING_FACTOR),
        new PanicState(name, parts.events()));
  }

  /**
   * The state for the service's changed configuration: what still holds is kept (an open circuit,
   * requests in flight in the bulkhead, the retry budget, ejections, health verdicts, panic), the
   * rest is rebuilt; replaced parts are released. Call once per change, then use only the result.
   */
  ServiceResilience updated(ServiceConfig next) {
    CircuitBreakers.Settings cb = CircuitBreakers.Settings.of(next);
    CircuitBreaker breaker =
        Objects.equals(cb, breakerSettings)
            ? circuitBreaker
            : CircuitBreakers.replace(circuitBreaker, name, cb, parts.events(), parts.currentBreaker(name));
    RetryBudget.Settings budget = RetryBudget.Settings.of(next);
    RetryPolicy nextPolicy = RetryPolicy.of(next);
    return new ServiceResilience(
        name,
        next,
        parts,
        cb,
        breaker,
        next.get(ResilienceKeys.CB_FAILURE_STATUSES),
        updatedBulkhead(next),
        nextPolicy,
        budget.equals(retryBudget.settings()) ? retryBudget : parts.retryBudget(budget),
        latencyHistogram(nextPolicy, latencies, parts),
        updatedOutlierDetector(next),
        updatedHealthChecker(next),
        next.get(ResilienceKeys.PANIC_THRESHOLD),
        next.get(LoadBalancerKeys.PRIORITY_OVERPROVISIONING_FACTOR),
        panic);
  }

  /**
   * The latencies a percentile hedge delay reads: kept while the delay stays a percentile (of any
   * value), none otherwise.
   */
  private static LatencyHistogram latencyHistogram(RetryPolicy policy, LatencyHistogram current, ServiceParts parts) {
    HedgePolicy hedge = policy.hedge();
    if (hedge == null || !hedge.delay().isPercentile()) {
      return null;
    }
    return current != null ? current : parts.latencyHistogram();
  }

  private static ServiceBulkhead newBulkhead(ServiceConfig config) {
    return new ServiceBulkhead(
        config.name(), config.get(ResilienceKeys.BULKHEAD_MAX_CONCURRENT), config.get(ResilienceKeys.BULKHEAD_MAX_WAIT));
  }

  /** The same bulkhead resized (its requests in flight keep their slots), a new one, or none. */
  private ServiceBulkhead updatedBulkhead(ServiceConfig next) {
    if (!next.get(ResilienceKeys.BULKHEAD_ENABLED)) {
      return null; // requests holding a slot release it into the dropped bulkhead
    }
    if (bulkhead == null) {
      return newBulkhead(next);
    }
    int limit = next.get(ResilienceKeys.BULKHEAD_MAX_CONCURRENT);
    Duration wait = next.get(ResilienceKeys.BULKHEAD_MAX_WAIT);
    bulkhead.resize(limit, wait);
    return bulkhead;
  }

  /** The same detector with the new thresholds (ejections and counts kept), a new one, or none. */
  private OutlierDetector updatedOutlierDetector(ServiceConfig next) {
    if (!next.get(ResilienceKeys.OUTLIER_ENABLED)) {
      if (outlierDetector != null) {
        outlierDetector.close();
      }
      return null;
    }
    if (outlierDetector == null) {
      return parts.outlierDetector(next);
    }
    outlierDetector.settings(OutlierDetector.Settings.of(next));
    return outlierDetector;
  }

  /** The same checker when no {@code health-check.*} value changed; else the old one stops. */
  private HealthChecker updatedHealthChecker(ServiceConfig next) {
    HealthChecker.Settings settings = HealthChecker.Settings.of(next);
    HealthChecker current = healthChecker;
    if (Objects.equals(settings, current == null ? null : current.settings())) {
      return current;
    }
    HealthChecker replacement = parts.healthChecker(name, settings);
    if (current != null) {
      current.close();
    }
    return replacement;
  }

  String name() {
    return name;
  }

  ServiceBulkhead bulkhead() {
    return bulkhead;
  }

  CircuitBreaker circuitBreaker() {
    return circuitBreaker;
  }

  /** Statuses that count as failures for the circuit breaker and outlier detection. */
  StatusSet failureStatuses() {
    return failureStatuses;
  }

  /** The policy of the service's own configuration. */
  RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * The retry and hedging policy of one request: the service's own, unless a route sent the
   * request here with a configuration of its own (the target's with the route's {@code retry.*},
   * {@code hedge.*} or {@code per-try-timeout} overrides), whose policy is built once per such
   * configuration. A request that was not routed keeps the service's current policy, as before
   * routes existed (a configuration change applies to requests under way).
   */
  RetryPolicy retryPolicy(MeshCall call) {
    if (call.routedFrom() == null) {
      return retryPolicy;
    }
    ServiceConfig requestConfig = call.config();
    return requestConfig == config || requestConfig == null ? retryPolicy : routePolicies.policy(requestConfig);
  }

  /** The cache of routed requests' policies, for tests. */
  RoutePolicies routePolicies() {
    return routePolicies;
  }

  RetryBudget retryBudget() {
    return retryBudget;
  }

  /**
   * Recent first-attempt latencies of the service's requests, where a request of {@code policy}
   * records its own: kept while a policy hedges at a percentile (the service's own, or a route's,
   * for which it is created on first use and then fed by every request); else null.
   */
  LatencyHistogram latencies(RetryPolicy policy) {
    LatencyHistogram h = latencies;
    if (h != null || !needsLatencies(policy)) {
      return h;
    }
    synchronized (this) {
      if (latencies == null) {
        latencies = parts.latencyHistogram();
      }
      return latencies;
    }
  }

  private static boolean needsLatencies(RetryPolicy policy) {
    HedgePolicy hedge = policy.hedge();
    return hedge != null && hedge.delay().isPercentile();
  }

  /**
   * How long a hedged request waits for response headers before the next attempt, in nanoseconds:
   * the fixed delay, or the percentile of {@code latencies}; -1 while a percentile is not known yet
   * (too few samples), when requests are not hedged.
   */
  static long hedgeDelayNanos(HedgePolicy hedge, LatencyHistogram latencies) {
    HedgeDelay delay = hedge.delay();
    if (!delay.isPercentile()) {
      return delay.fixed().toNanos();
    }
    return latencies == null ? -1 : latencies.percentileNanos(delay.quantile());
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

  /** The service's {@code lb.priority.overprovisioning-factor}: panic is judged as the balancer judges it. */
  double overprovisioningFactor() {
    return overprovisioningFactor;
  }

  PanicState panic() {
    return panic;
  }

  ServiceResilienceSnapshot snapshot() {
    return new ServiceResilienceSnapshot(
        name,
        CircuitStates.of(circuitBreaker),
        outlierDetector == null ? Set.of() : outlierDetector.ejected(),
        healthChecker == null ? Set.of() : healthChecker.unhealthy(),
        panic.inPanic());
  }

  /** The service is gone: probes and re-admission timers stop. */
  @Override
  public void close() {
    if (healthChecker != null) {
      healthChecker.close();
    }
    if (outlierDetector != null) {
      outlierDetector.close();
    }
  }
}
