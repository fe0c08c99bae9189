package io.mesh4j.resilience.internal;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Finagle-style retry budget of one service: over a sliding window, retries may be at most {@code
 * ratio} × requests, plus a floor of {@code minPerSecond} × window seconds so that a quiet service
 * can still retry. An outage therefore adds at most that share of load instead of multiplying it
 * by the attempt count. The window is split in ten buckets that expire one by one.
 */
final class RetryBudget {

  private static final int BUCKETS = 10;

  /** The {@code retry.budget.*} values; a budget is kept across configuration changes while they stay equal. */
  record Settings(double ratio, int minPerSecond, Duration window) {
    static Settings of(ServiceConfig config) {
      return new Settings(
          config.get(ResilienceKeys.RETRY_BUDGET_RATIO),
          config.get(ResilienceKeys.RETRY_BUDGET_MIN_PER_SECOND),
          config.get(ResilienceKeys.RETRY_BUDGET_WINDOW));
    }
  }

  private final Settings settings;
  private final MeshClock clock;
  private final double ratio;
  private final double floor;
  private final long bucketNanos;
  /**
   * Deposits, striped: every request of the service adds one, so a lock or a single contended
   * counter here would be taken by every request, while only a retry needs the window's sums.
   */
  private final LongAdder[] requests = new LongAdder[BUCKETS];
  private final long[] retries = new long[BUCKETS]; // guarded by this
  /**
   * Index in time of the newest bucket; written under the lock after the buckets it passed are
   * cleared, so a depositor that reads its own bucket here counts into a cleared slot.
   */
  private volatile long currentBucket;

  RetryBudget(MeshClock clock, Settings settings) {
    this.settings = settings;
    this.clock = clock;
    this.ratio = settings.ratio();
    this.floor = settings.minPerSecond() * (settings.window().toNanos() / 1e9);
    this.bucketNanos = Math.max(1, settings.window().toNanos() / BUCKETS);
    for (int b = 0; b < BUCKETS; b++) {
      requests[b] = new LongAdder();
    }
    this.currentBucket = clock.nanoTime() / bucketNanos;
  }

  Settings settings() {
    return settings;
  }

  /** Counts one logical request (a deposit); takes the lock only when the window moves. */
  void onRequest() {
    long now = clock.nanoTime() / bucketNanos;
    if (now == currentBucket) {
      requests[slot(now)].increment();
      return;
    }
    synchronized (this) {
      requests[advance(now)].increment();
    }
  }

  /** Withdraws one retry if the budget allows it; false when it is spent. */
  synchronized boolean tryRetry() {
    int i = advance(clock.nanoTime() / bucketNanos);
    long totalRequests = 0;
    long totalRetries = 0;
    for (int b = 0; b < BUCKETS; b++) {
      totalRequests += requests[b].sum();
      totalRetries += retries[b];
    }
    if (totalRetries + 1 > ratio * totalRequests + floor) {
      return false;
    }
    retries[i]++;
    return true;
  }

  /**
   * Under the lock: moves the window to {@code now} (a bucket index), clearing buckets that fell
   * out; returns the current bucket's slot. A time behind the window (another thread moved it on
   * meanwhile) leaves it as it is.
   */
  private int advance(long now) {
    long current = currentBucket;
    long steps = Math.min(BUCKETS, now - current);
    for (long s = 1; s <= steps; s++) {
      int slot = slot(current + s);
      requests[slot].reset();
      retries[slot] = 0;
    }
    if (now > current) {
      currentBucket = now;
      return slot(now);
    }
    return slot(current);
  }

  private static int slot(long bucket) {
    return (int) Math.floorMod(bucket, (long) BUCKETS);
  }
}
