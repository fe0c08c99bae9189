package io.mesh4j.discovery.etcd.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, so that many clients do not retry a recovering etcd in step. Not thread-safe. */
final class Backoff {

  private final long initialNanos;
  private final long maxNanos;
  private long nextNanos;

  Backoff(Duration initial, Duration max) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.nextNanos = initialNanos;
  }

  /** The pause before the next attempt: doubles each time up to the maximum, within ±20%. */
  Duration next() {
    long base = nextNanos;
    nextNanos = Math.min(maxNanos, nextNanos * 2);
    double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    return Duration.ofNanos((long) (base * jitter));
  }

  void reset() {
    nextNanos = initialNanos;
  }
}
