package io.mesh4j.internal.okhttp;

import io.mesh4j.internal.runtime.ServiceRoute;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;

/**
 * A request's wait for a service's first discovery answer, in short slices so that a call
 * cancelled meanwhile (by its caller, or by its deadline's timer) stops waiting at once.
 */
final class DiscoveryWait {

  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  private DiscoveryWait() {}

  /**
   * Waits until the route's first answer was released (or the route closed), the budget ran out,
   * or the call was cancelled. The budget is measured in real time, as the latch waits: a test's
   * manual clock that stands still must not make this wait forever.
   */
  static void await(ServiceRoute route, long budgetNanos, Call call) throws InterruptedIOException {
    long end = System.nanoTime() + Math.max(0, budgetNanos);
    try {
      while (!call.isCanceled()) {
        long left = end - System.nanoTime();
        if (left <= 0 || route.awaitFirstAnswer(Math.min(left, SLICE_NANOS))) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for discovery of " + route.name());
    }
  }

  /** {@code start + wait}, saturating: a huge initial-wait must not overflow into the past. */
  static long until(long startNanos, java.time.Duration wait) {
    long nanos;
    try {
      nanos = wait.toNanos();
    } catch (ArithmeticException huge) {
      return Long.MAX_VALUE;
    }
    long end = startNanos + nanos;
    return ((startNanos ^ end) & (nanos ^ end)) < 0 ? Long.MAX_VALUE : end;
  }
}
