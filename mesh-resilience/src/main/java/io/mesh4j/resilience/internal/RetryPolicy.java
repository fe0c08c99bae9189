package io.mesh4j.resilience.internal;

import io.mesh4j.config.ServiceConfig;
import java.time.Duration;
import java.util.Set;

/** A service's retry settings, read once from its configuration. */
record RetryPolicy(int maxAttempts, RetryOn retryOn, Backoff backoff, Duration perTryTimeout) {

  /** Methods that mean the same when repeated (RFC 9110 §9.2.2). */
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

  static RetryPolicy of(ServiceConfig config) {
    return new RetryPolicy(
        config.get(ResilienceKeys.RETRY_MAX_ATTEMPTS),
        config.get(ResilienceKeys.RETRY_ON),
        new Backoff(config.get(ResilienceKeys.RETRY_BACKOFF_BASE), config.get(ResilienceKeys.RETRY_BACKOFF_MAX)),
        config.get(ResilienceKeys.PER_TRY_TIMEOUT));
  }

  static boolean idempotent(String method) {
    return IDEMPOTENT.contains(method);
  }
}
