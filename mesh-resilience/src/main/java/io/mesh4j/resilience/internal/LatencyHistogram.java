package io.mesh4j.resilience.internal;

import io.mesh4j.time.MeshClock;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One service's recent attempt latencies, for {@code hedge.delay=pNN}: a log-linear histogram
 * (exact microseconds below 16 µs, then 8 buckets per power of two, so a bucket is at most 12.5%
 * wide, up to 2^26 µs ≈ 67 s, longer counted in the last) kept in {@value #SLOTS} time slots of
 * {@value #SLOT_SECONDS} s. A percentile is read over the slots of the last 30 s (the oldest
 * slot is being replaced as the newest fills, so 25 to 30 s of samples): older samples are
 * forgotten, so the delay follows the service when its latency changes.
 *
 * <p>Recording is lock-free and allocation-free: one atomic increment, plus clearing a slot for
 * the first recorder that finds it holding an old time (a sample recorded into it at that very
 * moment may be lost; an estimate does not miss one). A percentile costs a scan of all buckets
 * and is cached for {@value #REFRESH_MILLIS} ms.
 */
final class LatencyHistogram {

  static final int SLOTS = 6;
  static final int SLOT_SECONDS = 5;
  static final int REFRESH_MILLIS = 250;
  private static final long SLOT_NANOS = SLOT_SECONDS * 1_000_000_000L;
  private static final long REFRESH_NANOS = REFRESH_MILLIS * 1_000_000L;
  private static final int LINEAR = 16;
  private static final int SUB_BUCKETS = 8; // per power of two
  private static final int MAX_EXPONENT = 26;
  static final int BUCKETS = LINEAR + (MAX_EXPONENT - 4) * SUB_BUCKETS;

  /** A computed percentile, kept for {@link #REFRESH_NANOS}. */
  private record Estimate(double quantile, long atNanos, long nanos) {}

  private final MeshClock clock;
  private final AtomicLongArray counts = new AtomicLongArray(SLOTS * BUCKETS);
  /** For each slot, the time (in slot lengths) whose samples it holds. */
  private final AtomicLongArray slotTimes = new AtomicLongArray(SLOTS);
  private volatile Estimate cached;

  LatencyHistogram(MeshClock clock) {
    this.clock = clock;
    for (int s = 0; s < SLOTS; s++) {
      slotTimes.set(s, Long.MIN_VALUE);
    }
  }

  /**
   * Samples a percentile needs before it is trusted: ten beyond it, and at least 20 (200 for p95,
   * 1000 for p99, 10 000 for p99.9).
   */
  static long minSamples(double quantile) {
    return Math.max(20, (long) Math.ceil(10 / (1 - quantile) - 1e-9));
  }

  void record(long latencyNanos) {
    long time = Math.floorDiv(clock.nanoTime(), SLOT_NANOS);
    int slot = (int) Math.floorMod(time, (long) SLOTS);
    long held = slotTimes.get(slot);
    if (held != time) {
      if (held > time || !slotTimes.compareAndSet(slot, held, time)) {
        if (slotTimes.get(slot) != time) {
          return; // this thread read the clock before a newer slot began: too late to count
        }
      } else {
        for (int b = 0; b < BUCKETS; b++) {
          counts.set(slot * BUCKETS + b, 0);
        }
      }
    }
    counts.incrementAndGet(slot * BUCKETS + bucket(Math.max(0, latencyNanos) / 1000));
  }

  /**
   * The latency below which {@code quantile} of the recent samples lie (the upper edge of its
   * bucket, so at most 12.5% above), or -1 while there are fewer than {@link #minSamples}.
   */
  long percentileNanos(double quantile) {
    long now = clock.nanoTime();
    Estimate e = cached;
    if (e != null && e.quantile() == quantile && now - e.atNanos() < REFRESH_NANOS) {
      return e.nanos();
    }
    long nanos = compute(quantile, Math.floorDiv(now, SLOT_NANOS));
    cached = new Estimate(quantile, now, nanos);
    return nanos;
  }

  private long compute(double quantile, long time) {
    boolean[] live = new boolean[SLOTS];
    long total = 0;
    for (int s = 0; s < SLOTS; s++) {
      long held = slotTimes.get(s);
      live[s] = held <= time && held > time - SLOTS;
      if (live[s]) {
        for (int b = 0; b < BUCKETS; b++) {
          total += counts.get(s * BUCKETS + b);
        }
      }
    }
    if (total < minSamples(quantile)) {
      return -1;
    }
    long rank = (long) Math.ceil(quantile * total - 1e-9);
    long seen = 0;
    for (int b = 0; b < BUCKETS; b++) {
      for (int s = 0; s < SLOTS; s++) {
        if (live[s]) {
          seen += counts.get(s * BUCKETS + b);
        }
      }
      if (seen >= rank) {
        return upperMicros(b) * 1000;
      }
    }
    return upperMicros(BUCKETS - 1) * 1000; // counts moved under the scan
  }

  /** The bucket of a latency in microseconds. */
  static int bucket(long micros) {
    if (micros < LINEAR) {
      return (int) micros;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(micros); // 4 or more
    if (exponent >= MAX_EXPONENT) {
      return BUCKETS - 1;
    }
    int sub = (int) (micros >>> (exponent - 3)) & (SUB_BUCKETS - 1);
    return LINEAR + (exponent - 4) * SUB_BUCKETS + sub;
  }

  /** The exclusive upper edge of a bucket, in microseconds. */
  static long upperMicros(int bucket) {
    if (bucket < LINEAR) {
      return bucket + 1L;
    }
    int exponent = (bucket - LINEAR) / SUB_BUCKETS + 4;
    int sub = (bucket - LINEAR) % SUB_BUCKETS;
    return (SUB_BUCKETS + sub + 1L) << (exponent - 3);
  }
}
