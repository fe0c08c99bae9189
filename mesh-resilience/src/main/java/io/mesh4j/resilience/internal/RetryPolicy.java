package io.mesh4j.resilience.internal;

import io.mesh4j.config.ServiceConfig;
import java.time.Duration;
import java.util.Set;

/**
 * A service's retry and hedging settings, read once from its configuration (or from a routed
 * request's, the service's with a route's overrides: see {@link RoutePolicies}).
 *
 * @param retryAfterMax the longest {@code Retry-After} waited for
 * @param hedge null when the service does not hedge
 */
record RetryPolicy(
    int maxAttempts, RetryOn retryOn, Backoff backoff, Duration retryAfterMax, Duration perTryTimeout,
    HedgePolicy hedge) {

  /** Methods that mean the same when repeated (RFC 9110 §9.2.2). */
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

  static RetryPolicy of(ServiceConfig config) {
    return new RetryPolicy(
        config.get(ResilienceKeys.RETRY_MAX_ATTEMPTS),
        config.get(ResilienceKeys.RETRY_ON),
        new Backoff(config.get(ResilienceKeys.RETRY_BACKOFF_BASE), config.get(ResilienceKeys.RETRY_BACKOFF_MAX)),
        config.get(ResilienceKeys.RETRY_AFTER_MAX),
        config.get(ResilienceKeys.PER_TRY_TIMEOUT),
        HedgePolicy.of(config));
  }

  static boolean idempotent(String method) {
    return IDEMPOTENT.contains(method);
  }

  /** Whether a request of this service takes one attempt at most: no retries, no hedging. */
  boolean singleAttempt() {
    return maxAttempts == 1 && hedge == null;
  }

  /** Attempts one hedged request may make in all (hedges and retries counted together). */
  int hedgedAttempts() {
    return Math.max(maxAttempts, hedge.maxAttempts());
  }
}
