package io.mesh4j.benchmarks;

import io.mesh4j.lb.OutstandingRequests;
import io.mesh4j.time.MeshClock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Outstanding requests plus a peak-sensitive latency estimate (Finagle's and Linkerd's peak EWMA):
 * a sample above the estimate replaces it at once, so a slow endpoint is shunned immediately; below
 * it, the estimate moves towards the sample by how much time has passed, and with no samples it
 * decays towards zero with time constant {@code decayNanos}, so a shunned endpoint is tried again.
 * Lock-free: the (estimate, time) pair is swapped as one immutable value.
 */
final class BaselinePeakEwmaLoad extends OutstandingRequests {

  private record Estimate(double latencyNanos, long atNanos) {}

  private final MeshClock clock;
  private final double decayNanos;
  private final AtomicReference<Estimate> estimate = new AtomicReference<>();

  BaselinePeakEwmaLoad(MeshClock clock, long decayNanos) {
    this.clock = clock;
    this.decayNanos = decayNanos;
  }

  boolean hasEstimate() {
    return estimate.get() != null;
  }

  /** The estimate decayed to {@code nowNanos}; 0 when there is none yet. */
  double latencyNanos(long nowNanos) {
    Estimate e = estimate.get();
    return e == null ? 0 : e.latencyNanos * weightOfPast(nowNanos - e.atNanos);
  }

  @Override
  public void onComplete(long latencyNanos, boolean success) {
    super.onComplete(latencyNanos, success);
    long now = clock.nanoTime();
    // a fast failure (connection refused) must not make an endpoint look fast and attract traffic
    double sample = success ? latencyNanos : Math.max(latencyNanos, latencyNanos(now));
    observe(Math.max(0, sample), now);
  }

  void observe(double sampleNanos, long nowNanos) {
    while (true) {
      Estimate current = estimate.get();
      double next;
      if (current == null || sampleNanos > current.latencyNanos) {
        next = sampleNanos; // the peak: jump up at once
      } else {
        double w = weightOfPast(nowNanos - current.atNanos);
        next = current.latencyNanos * w + sampleNanos * (1 - w);
      }
      long at = current == null ? nowNanos : Math.max(nowNanos, current.atNanos);
      if (estimate.compareAndSet(current, new Estimate(next, at))) {
        return;
      }
    }
  }

  private double weightOfPast(long elapsedNanos) {
    return elapsedNanos <= 0 ? 1.0 : Math.exp(-elapsedNanos / decayNanos);
  }
}
