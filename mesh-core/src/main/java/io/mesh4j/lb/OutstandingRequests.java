package io.mesh4j.lb;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-endpoint count of attempts picked and not yet completed. It outlives pickers: the load
 * balancer hands the same instance to each new snapshot while the endpoint remains.
 */
public class OutstandingRequests implements CallTracker {

  private final AtomicInteger outstanding = new AtomicInteger();

  /** An attempt on the endpoint was picked. */
  public final void started() {
    outstanding.incrementAndGet();
  }

  /** Attempts picked and not yet completed. */
  public final int get() {
    return outstanding.get();
  }

  @Override
  public void onComplete(long latencyNanos, boolean success) {
    // never below zero, even if a tracker is misused and called twice
    outstanding.getAndUpdate(n -> n > 0 ? n - 1 : 0);
  }
}
