package io.mesh4j.resilience.internal;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.event.HedgeSent;
import io.mesh4j.event.HedgeWon;
import io.mesh4j.event.RetryDenied;
import io.mesh4j.event.RetryScheduled;
import io.mesh4j.pipeline.ConcurrentAttempts;
import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.pipeline.MeshCall;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.time.MeshClock;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One hedged request, from its first attempt to the response the caller gets. The first attempt
 * runs on the caller's thread; while no response has arrived, another is sent every {@code
 * hedge.delay} (a hedge, paid from the retry budget) on the client's dispatcher, up to {@code
 * hedge.max-attempts} in flight. The first response that is not a retryable failure wins and the
 * other attempts are cancelled. A retryable failure (a {@code retry.on} status or exception) does
 * not end the request while other attempts run: it schedules a retry after its backoff (or the
 * response's {@code Retry-After}), paid from the same budget; all attempts together are at most
 * {@code max(retry.max-attempts, hedge.max-attempts)}. When nothing is in flight and nothing more
 * may be sent, the caller gets the last failure. The call's deadline cancels everything.
 *
 * <p>All decisions are taken under this object's lock, on whichever thread an event arrives
 * (the caller's, a dispatcher thread, the mesh scheduler); attempts are started, cancelled and
 * events published outside it.
 */
final class HedgedRequest {

  private final ServiceResilience service;
  private final RetryPolicy policy;
  private final HedgePolicy hedge;
  private final LatencyHistogram latencies;
  private final ResilienceEvents events;
  private final MeshClock clock;
  private final ScheduledExecutorService scheduler;
  private final MeshCall call;
  private final Request request;
  private final long delayNanos;
  private final int limit;
  private ConcurrentAttempts attempts;

  // guarded by this
  private final List<Sent> inFlight = new ArrayList<>(2);
  private Sent first;
  private boolean firstSettled; // the first attempt's latency was recorded, or will never be
  private int deciding; // budget decisions under way outside the lock: the request is not idle
  private int sent;
  private long lastSendNanos;
  private int retries;
  private boolean hedging = true; // false once the budget refused a hedge
  private boolean stopped; // no more sends: a failure that is not retried ended it
  private ScheduledFuture<?> timer;
  private long timerAt;
  private boolean retryPending; // the next timed send is a retry the budget already paid for
  private boolean done;
  private Response winner;
  private Object lastFailure; // a Response (kept open: it may be the answer) or an IOException
  private IOException cancelled;

  HedgedRequest(
      ServiceResilience service,
      RetryPolicy policy,
      LatencyHistogram latencies,
      ResilienceEvents events,
      MeshClock clock,
      ScheduledExecutorService scheduler,
      MeshCall call,
      Request request,
      long delayNanos) {
    this.service = service;
    this.policy = policy;
    this.hedge = policy.hedge();
    this.latencies = latencies;
    this.events = events;
    this.clock = clock;
    this.scheduler = scheduler;
    this.call = call;
    this.request = request;
    this.delayNanos = delayNanos;
    this.limit = policy.hedgedAttempts();
  }

  /** Runs the request through {@code chain} (which carries the per-try timeout) and returns its answer. */
  Response run(MeshChain chain) throws IOException {
    attempts = chain.concurrentAttempts(this::callCancelled);
    Sent primary;
    synchronized (this) {
      primary = newSent(false);
      first = primary;
      armTimer(delayNanos, false);
    }
    Response response;
    try {
      response = primary.attempt.execute();
    } catch (IOException e) {
      onFailure(primary, e);
      return await();
    } catch (RuntimeException | Error e) {
      abandon(); // a stage's bug: nothing may keep running for a request that is over
      throw e;
    }
    onResponse(primary, response);
    return await();
  }

  private Response await() throws IOException {
    synchronized (this) {
      while (!done) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          abandon();
          throw new InterruptedIOException("interrupted waiting for a hedged request to '" + service.name() + "'");
        }
      }
    }
    if (winner != null) {
      return winner;
    }
    if (cancelled != null) {
      throw cancelled;
    }
    if (lastFailure instanceof Response r) {
      return r;
    }
    throw (IOException) lastFailure;
  }

  /** The caller's thread was interrupted: everything stops, nothing is handed back. */
  private void abandon() {
    List<Sent> toCancel;
    Object failure;
    synchronized (this) {
      toCancel = List.copyOf(inFlight);
      inFlight.clear();
      failure = lastFailure;
      lastFailure = null;
      cancelTimer();
      done = true;
      cancelled = new InterruptedIOException("interrupted");
    }
    toCancel.forEach(s -> s.attempt.cancel());
    if (failure instanceof Response r) {
      r.close();
    }
  }

  /** A new attempt, counted and in flight; the caller starts it outside the lock. */
  private Sent newSent(boolean isHedge) {
    AttemptProgress progress = new AttemptProgress();
    Request tagged = request.newBuilder().tag(AttemptProgress.class, progress).build();
    long now = clock.nanoTime();
    Sent s = new Sent(attempts.newAttempt(tagged), progress, ++sent, now, isHedge);
    inFlight.add(s);
    lastSendNanos = now;
    return s;
  }

  /** Arms the one timer for the next send, unless an earlier one is armed already. */
  private void armTimer(long afterNanos, boolean retry) {
    armTimer(afterNanos, retry, false);
  }

  /**
   * Arms the one timer for the next send. {@code notBefore}: the server asked for this wait
   * (Retry-After), so an earlier send already armed (the next hedge) is pushed back to it rather
   * than taken as the retry; otherwise the earlier of the two sends stays.
   */
  private void armTimer(long afterNanos, boolean retry, boolean notBefore) {
    if (stopped || sent >= limit || (!retry && !hedging)) {
      return;
    }
    long at = clock.nanoTime() + afterNanos;
    if (timer != null) {
      if (notBefore ? timerAt >= at : timerAt <= at) {
        retryPending |= retry; // the send already due at timerAt is the retry
        return;
      }
      timer.cancel(false);
    }
    try {
      timer = scheduler.schedule(this::timerFired, Math.max(0, afterNanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      timer = null;
      stopped = true;
      return;
    }
    timerAt = at;
    retryPending |= retry;
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    retryPending = false;
  }

  /** The next send is due: a retry already paid for, or a hedge if the budget allows. */
  private void timerFired() {
    boolean isHedge;
    synchronized (this) {
      timer = null;
      if (done) {
        return;
      }
      if (stopped || sent >= limit) {
        finishIfIdle();
        return;
      }
      isHedge = !retryPending;
      retryPending = false;
      if (isHedge && (!hedging || inFlight.isEmpty() || inFlight.size() >= hedge.maxAttempts())) {
        finishIfIdle(); // nothing to hedge, or enough in flight: the next failure arms the timer again
        return;
      }
      deciding++;
    }
    boolean paid = !isHedge || service.retryBudget().tryRetry();
    if (!paid) {
      events.publish(new RetryDenied(service.name(), "hedge"));
    }
    Sent s;
    Duration waited;
    synchronized (this) {
      deciding--;
      if (!paid) {
        hedging = false;
        finishIfIdle();
        return;
      }
      if (done) {
        return;
      }
      waited = Duration.ofNanos(clock.nanoTime() - lastSendNanos);
      s = newSent(isHedge);
      if (inFlight.size() < hedge.maxAttempts()) {
        armTimer(delayNanos, false);
      }
    }
    if (isHedge) {
      events.publish(new HedgeSent(service.name(), s.number, waited));
    }
    s.attempt.start(s);
  }

  private void onResponse(Sent s, Response response) {
    if (policy.retryOn().status(response.code())) {
      long retryAfter = RetryAfter.nanos(response.header("Retry-After"), clock.wallMillis());
      failed(s, response, "HTTP " + response.code(), true, retryAfter);
      return;
    }
    List<Sent> losers;
    long firstLatency = -1;
    boolean hedgeWon;
    synchronized (this) {
      inFlight.remove(s);
      if (done) {
        losers = null;
        hedgeWon = false;
      } else {
        done = true;
        winner = response;
        firstLatency = settleFirst(s, true);
        losers = List.copyOf(inFlight);
        inFlight.clear();
        cancelTimer();
        hedgeWon = s.hedge;
        closeLastFailure();
        notifyAll();
      }
    }
    if (losers == null) {
      response.close(); // another attempt answered first: this one was too late to be cancelled
      return;
    }
    losers.forEach(l -> l.attempt.cancel());
    recordFirst(firstLatency);
    if (hedgeWon) {
      MeshAttempt attempt = response.request().tag(MeshAttempt.class);
      events.publish(new HedgeWon(service.name(), attempt == null ? null : attempt.endpoint(),
          attempt == null ? s.number : attempt.number()));
    }
  }

  private void onFailure(Sent s, IOException failure) {
    String kind;
    boolean retryable;
    if (s.attempt.isCanceled() || call.okHttpCall().isCanceled()) {
      kind = "canceled"; // a loser, or the whole call: nothing to decide from it
      retryable = false;
    } else {
      FailureKind k = FailureKind.of(failure, s.progress.connected());
      kind = k.name().toLowerCase(Locale.ROOT);
      retryable = policy.retryOn().failure(k); // every hedged request is idempotent: safe to resend
    }
    failed(s, failure, kind, retryable, RetryAfter.NONE);
  }

  /**
   * An attempt failed ({@code failure} a retryable Response or an IOException): it may be retried;
   * the request ends with it only when nothing else is in flight or to come.
   */
  private void failed(Sent s, Object failure, String reason, boolean retryable, long retryAfterNanos) {
    Duration wait = null;
    long firstLatency;
    synchronized (this) {
      inFlight.remove(s);
      if (done) {
        if (failure instanceof Response r) {
          r.close();
        }
        return;
      }
      firstLatency = settleFirst(s, failure instanceof Response);
      closeLastFailure();
      lastFailure = failure;
      if (!retryable) {
        stopped = true;
      } else if (!stopped && sent < limit && !retryPending) {
        wait = retryWait(retryAfterNanos);
        if (wait == null) {
          stopped = true;
        } else {
          deciding++;
        }
      }
      finishIfIdle();
    }
    recordFirst(firstLatency);
    if (wait == null) {
      return;
    }
    boolean paid = service.retryBudget().tryRetry();
    boolean scheduled = false;
    int next;
    synchronized (this) {
      deciding--;
      next = sent + 1;
      if (paid && !done) {
        armTimer(wait.toNanos(), true, retryAfterNanos != RetryAfter.NONE);
        scheduled = retryPending;
      } else {
        stopped = true;
      }
      finishIfIdle();
    }
    if (scheduled) {
      events.publish(new RetryScheduled(service.name(), endpointOf(failure), reason, next, wait));
    } else if (!paid) {
      events.publish(new RetryDenied(service.name(), reason));
    }
  }

  /** The wait before a retry, or null when it would not be sent: too long, or past the deadline. */
  private Duration retryWait(long retryAfterNanos) {
    long remaining = call.remainingNanos();
    if (retryAfterNanos != RetryAfter.NONE) {
      if (retryAfterNanos > policy.retryAfterMax().toNanos() || retryAfterNanos >= remaining) {
        return null;
      }
      return Duration.ofNanos(retryAfterNanos);
    }
    Duration backoff = policy.backoff().before(++retries);
    return backoff.toNanos() >= remaining ? null : backoff;
  }

  /** Ends the request with the last failure when nothing is in flight and no retry is due. */
  private void finishIfIdle() {
    if (done || !inFlight.isEmpty() || deciding > 0 || (timer != null && retryPending && !stopped && sent < limit)) {
      return;
    }
    cancelTimer();
    done = true;
    notifyAll();
  }

  private void callCancelled() {
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      cancelled = new IOException("Canceled");
      inFlight.clear(); // core cancelled them
      cancelTimer();
      closeLastFailure();
      notifyAll();
    }
  }

  private void closeLastFailure() {
    if (lastFailure instanceof Response r) {
      r.close();
    }
    lastFailure = null;
  }

  /**
   * The first attempt's latency to record when {@code ended} settles it, once: when it answered,
   * or when another attempt won while it still ran (it had waited at least the hedge delay by then:
   * still on the slow side of the percentile). -1 when there is nothing to record.
   */
  private long settleFirst(Sent ended, boolean answered) {
    if (firstSettled || latencies == null) {
      return -1;
    }
    if (ended == first) {
      firstSettled = true;
      return answered ? clock.nanoTime() - first.startNanos : -1;
    }
    if (winner != null) { // another attempt won while the first still ran: it is cancelled now
      firstSettled = true;
      return clock.nanoTime() - first.startNanos;
    }
    return -1;
  }

  private void recordFirst(long latencyNanos) {
    if (latencyNanos >= 0 && latencies != null) {
      latencies.record(latencyNanos);
    }
  }

  private Endpoint endpointOf(Object failure) {
    if (failure instanceof Response r) {
      MeshAttempt a = r.request().tag(MeshAttempt.class);
      if (a != null) {
        return a.endpoint();
      }
    }
    return null;
  }

  /** One attempt sent, and the callback its end reports to. */
  private final class Sent implements ConcurrentAttempts.Callback {

    final ConcurrentAttempts.Attempt attempt;
    final AttemptProgress progress;
    final int number;
    final long startNanos;
    final boolean hedge;

    Sent(ConcurrentAttempts.Attempt attempt, AttemptProgress progress, int number, long startNanos, boolean hedge) {
      this.attempt = attempt;
      this.progress = progress;
      this.number = number;
      this.startNanos = startNanos;
      this.hedge = hedge;
    }

    @Override
    public void onResponse(Response response) {
      HedgedRequest.this.onResponse(this, response);
    }

    @Override
    public void onFailure(IOException failure) {
      HedgedRequest.this.onFailure(this, failure);
    }
  }
}
