package io.mesh4j.internal.lb;

import io.mesh4j.lb.CallTracker;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-endpoint count of attempts picked and not yet completed. It outlives pickers: the load
 * balancer hands the same instance to each new snapshot while the endpoint remains.
 */
class OutstandingRequests implements CallTracker {

  private final AtomicInteger outstanding = new AtomicInteger();

  final void started() {
    outstanding.incrementAndGet();
  }

  final int get() {
    return outstanding.get();
  }

  @Override
  public void onComplete(long latencyNanos, boolean success) {
    // never below zero, even if a tracker is misused and called twice
    outstanding.getAndUpdate(n -> n > 0 ? n - 1 : 0);
  }
}
