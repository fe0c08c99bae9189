package io.mesh4j.internal.okhttp;

import io.mesh4j.MeshTimeoutException;
import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;

/**
 * The one deadline of a mesh call: one timer on the client's scheduler that cancels the OkHttp
 * call when it fires, moved earlier when a stage limits the deadline (the caller's own deadline),
 * cancelled when the call ends. The exception it produces names which deadline ran out.
 */
final class CallDeadline {

  private final String service;
  private final Call call;
  private final MeshClock clock;
  private final ScheduledExecutorService scheduler;
  private long deadlineNanos; // guarded by this; meaningful when hasDeadline
  private boolean hasDeadline; // guarded by this
  private String source; // guarded by this: what the deadline is, null for the service's timeout
  private long budgetMillis; // guarded by this: the time it gave, for the message
  private ScheduledFuture<?> timer; // guarded by this
  private boolean ended; // guarded by this
  private volatile boolean exceeded;

  CallDeadline(String service, Call call, MeshClock clock, ScheduledExecutorService scheduler) {
    this.service = service;
    this.call = call;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  /**
   * Starts the service's own timeout.
   *
   * @throws RejectedExecutionException when the client is closing
   */
  synchronized void start(Duration timeout, long startNanos) {
    start(timeout, startNanos, null);
  }

  /** Starts a timeout that is not the service's own key ({@code source} says what it is), e.g. a route's. */
  synchronized void start(Duration timeout, long startNanos, String source) {
    if (timeout != null) {
      arm(startNanos + timeout.toNanos(), source, timeout.toMillis());
    }
  }

  synchronized void limit(Duration remaining, String source) throws MeshTimeoutException {
    long at = clock.nanoTime() + remaining.toNanos();
    if (hasDeadline && at >= deadlineNanos) {
      return;
    }
    if (remaining.isNegative() || remaining.isZero()) {
      this.source = source;
      this.budgetMillis = 0;
      exceeded = true;
      throw exception();
    }
    arm(at, source, remaining.toMillis());
  }

  /** The message is built only if the deadline fires: most never do. */
  private void arm(long at, String what, long millis) {
    if (ended) {
      return;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    deadlineNanos = at;
    hasDeadline = true;
    source = what;
    budgetMillis = millis;
    timer = scheduler.schedule(this::fire, Math.max(0, at - clock.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void fire() {
    synchronized (this) {
      if (ended) {
        return;
      }
      exceeded = true;
    }
    call.cancel();
  }

  boolean exceeded() {
    return exceeded;
  }

  synchronized long remainingNanos() {
    return hasDeadline ? deadlineNanos - clock.nanoTime() : Long.MAX_VALUE;
  }

  synchronized MeshTimeoutException exception() {
    return exception(null);
  }

  /** @param during what the attempt under way was doing when the deadline cut it; null to say nothing */
  synchronized MeshTimeoutException exception(String during) {
    String what = source == null
        ? "timed out after " + budgetMillis + "ms (mesh.services." + service + ".timeout)"
        : "exceeded " + source + " of " + Math.max(0, budgetMillis) + "ms";
    return new MeshTimeoutException(service, during == null ? what : what + " during: " + during);
  }

  /** The call is over: the timer must not fire any more. */
  synchronized void cancel() {
    ended = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
