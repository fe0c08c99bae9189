package io.mesh4j.lb;

/**
 * Told once when an attempt on a picked endpoint ends. Policies that weigh load (least-request,
 * peak-EWMA) count outstanding requests and latency through it. Must be cheap and never block: it
 * runs on the request's thread.
 */
@FunctionalInterface
public interface CallTracker {

  CallTracker NOOP = (latencyNanos, success) -> {};

  /**
   * @param latencyNanos time from the pick to the response headers (or the failure), monotonic
   * @param success false for a connect failure, an I/O error, an attempt cancelled before its
   *     response (then {@code latencyNanos} is only a lower bound: a hedge that lost, or the call
   *     cancelled), or a response the mesh counts as failed: 5xx, or with mesh-resilience the
   *     statuses of {@code circuit-breaker.failure-statuses} ({@link
   *     io.mesh4j.spi.ResponseClassifier})
   */
  void onComplete(long latencyNanos, boolean success);
}
