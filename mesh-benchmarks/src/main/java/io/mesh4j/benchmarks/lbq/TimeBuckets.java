package io.mesh4j.benchmarks.lbq;

import java.time.Duration;

/**
 * A run's time axis: {@code System.nanoTime()} since {@link #start()}, cut into equal buckets.
 * Backends and callers count into the bucket of the moment a request arrives or is sent; nothing
 * is counted before the start, and a moment after the end counts in the last bucket.
 */
final class TimeBuckets {

  private final long widthNanos;
  private final int count;
  private volatile long startNanos;
  private volatile boolean started;

  TimeBuckets(Duration width, Duration length) {
    this.widthNanos = width.toNanos();
    this.count = (int) Math.max(1, (length.toNanos() + widthNanos - 1) / widthNanos);
  }

  /** Time zero: the moment the callers start. */
  void start() {
    startNanos = System.nanoTime();
    started = true;
  }

  /** The bucket of {@code nanoTime}, or -1 before the start. */
  int indexOf(long nanoTime) {
    if (!started) {
      return -1;
    }
    long i = (nanoTime - startNanos) / widthNanos;
    return (int) Math.max(0, Math.min(count - 1, i));
  }

  /** Seconds since the start (for events and pacing). */
  double secondsSinceStart(long nanoTime) {
    return (nanoTime - startNanos) / 1e9;
  }

  long nanoTimeAt(double seconds) {
    return startNanos + (long) (seconds * 1e9);
  }

  int count() {
    return count;
  }

  double widthSeconds() {
    return widthNanos / 1e9;
  }
}
