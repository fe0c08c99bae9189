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
   * @param success false for a connect failure, an I/O error or a response the mesh counts as
   *     failed (5xx)
   */
  void onComplete(long latencyNanos, boolean success);
}
