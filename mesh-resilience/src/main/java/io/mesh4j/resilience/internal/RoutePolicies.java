package io.mesh4j.resilience.internal;

import io.mesh4j.config.ServiceConfig;
import java.util.function.Function;

/**
 * The retry policies of one service's routed requests whose configuration carries a route's
 * overrides ({@code retry.*}, {@code hedge.*}, {@code per-try-timeout}): built once per
 * configuration instance, never per request. Core derives one such configuration per (target
 * snapshot, route overrides map) and reuses it, so identity is the key; equality is not checked,
 * it would hash the whole configuration per request. Bounded: the oldest is dropped beyond {@link
 * #MAX}; a request that misses only rebuilds.
 */
final class RoutePolicies {

  /** As many as core keeps derived configurations per target snapshot. */
  static final int MAX = 32;

  private record Entry(ServiceConfig config, RetryPolicy policy) {}

  private final Function<ServiceConfig, RetryPolicy> build;
  private volatile Entry[] entries = new Entry[0];

  RoutePolicies(Function<ServiceConfig, RetryPolicy> build) {
    this.build = build;
  }

  RetryPolicy policy(ServiceConfig config) {
    Entry[] known = entries;
    for (int i = known.length - 1; i >= 0; i--) {
      if (known[i].config() == config) {
        return known[i].policy();
      }
    }
    RetryPolicy made = build.apply(config);
    int keep = Math.min(known.length, MAX - 1);
    Entry[] next = new Entry[keep + 1];
    System.arraycopy(known, known.length - keep, next, 0, keep);
    next[keep] = new Entry(config, made);
    entries = next; // a lost race only costs another build
    return made;
  }

  /** Configurations held now, for tests. */
  int size() {
    return entries.length;
  }
}
