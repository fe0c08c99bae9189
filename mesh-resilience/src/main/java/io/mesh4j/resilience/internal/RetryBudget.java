package io.mesh4j.resilience.internal;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.time.MeshClock;
import java.time.Duration;

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
  private final long[] requests = new long[BUCKETS];
  private final long[] retries = new long[BUCKETS];
  private long currentBucket; // index in time of the newest bucket, guarded by this

  RetryBudget(MeshClock clock, Settings settings) {
    this.settings = settings;
    this.clock = clock;
    this.ratio = settings.ratio();
    this.floor = settings.minPerSecond() * (settings.window().toNanos() / 1e9);
    this.bucketNanos = Math.max(1, settings.window().toNanos() / BUCKETS);
    this.currentBucket = clock.nanoTime() / bucketNanos;
  }

  Settings settings() {
    return settings;
  }

  /** Counts one logical request (a deposit). */
  synchronized void onRequest() {
    requests[advance()]++;
  }

  /** Withdraws one retry if the budget allows it; false when it is spent. */
  synchronized boolean tryRetry() {
    int i = advance();
    long totalRequests = 0;
    long totalRetries = 0;
    for (int b = 0; b < BUCKETS; b++) {
      totalRequests += requests[b];
      totalRetries += retries[b];
    }
    if (totalRetries + 1 > ratio * totalRequests + floor) {
      return false;
    }
    retries[i]++;
    return true;
  }

  /** Moves the window to now, clearing buckets that fell out; returns the current bucket's slot. */
  private int advance() {
    long now = clock.nanoTime() / bucketNanos;
    long steps = Math.min(BUCKETS, now - currentBucket);
    for (long s = 1; s <= steps; s++) {
      int slot = (int) Math.floorMod(currentBucket + s, (long) BUCKETS);
      requests[slot] = 0;
      retries[slot] = 0;
    }
    if (now > currentBucket) {
      currentBucket = now;
    }
    return (int) Math.floorMod(currentBucket, (long) BUCKETS);
  }
}
