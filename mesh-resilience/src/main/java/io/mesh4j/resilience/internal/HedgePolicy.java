package io.mesh4j.resilience.internal;

import io.mesh4j.config.ServiceConfig;

/**
 * A service's hedging settings, or null from {@link #of} when it does not hedge ({@code
 * hedge.delay} unset, or {@code hedge.max-attempts=1}).
 *
 * @param maxAttempts attempts of one request in flight at once, the first included
 */
record HedgePolicy(HedgeDelay delay, int maxAttempts) {

  static HedgePolicy of(ServiceConfig config) {
    HedgeDelay delay = config.get(ResilienceKeys.HEDGE_DELAY);
    int max = config.get(ResilienceKeys.HEDGE_MAX_ATTEMPTS);
    return delay == null || max < 2 ? null : new HedgePolicy(delay, max);
  }
}
