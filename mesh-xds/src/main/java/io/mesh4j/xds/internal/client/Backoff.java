package io.mesh4j.xds.internal.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/** Exponential backoff (×2 up to a maximum) with ±20% jitter, as gRPC reconnects. Not thread-safe. */
final class Backoff {

  private static final double JITTER = 0.2;

  private final long initialNanos;
  private final long maxNanos;
  private final DoubleSupplier random;
  private long nextNanos;

  Backoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
    this.nextNanos = initialNanos;
  }

  /** The delay before the next attempt; each call doubles the following one, up to the maximum. */
  Duration nextDelay() {
    long base = nextNanos;
    nextNanos = Math.min(maxNanos, base * 2);
    double factor = 1 - JITTER + 2 * JITTER * random.getAsDouble();
    return Duration.ofNanos((long) (base * factor));
  }

  /** Starts again from the initial delay (after a stream that worked). */
  void reset() {
    nextNanos = initialNanos;
  }
}
