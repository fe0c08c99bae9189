package io.mesh4j.resilience.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
 * a uniformly random wait in [0, min(max, base × 2^(retry-1))], so that clients that failed together
 * do not retry together.
 */
record Backoff(Duration base, Duration max) {

  /** The wait before retry number {@code retry} (1 for the first retry). */
  Duration before(int retry) {
    long baseNanos = base.toNanos();
    if (baseNanos <= 0) {
      return Duration.ZERO;
    }
    long ceiling = max.toNanos();
    int shift = Math.min(30, Math.max(0, retry - 1));
    long cap = baseNanos > (ceiling >> shift) ? ceiling : Math.min(ceiling, baseNanos << shift);
    return cap <= 0 ? Duration.ZERO : Duration.ofNanos(ThreadLocalRandom.current().nextLong(cap + 1));
  }
}
