package io.mesh4j.resilience.internal;

import io.mesh4j.event.RetryDenied;
import io.mesh4j.event.RetryScheduled;
import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.pipeline.MeshCall;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.pipeline.StageOrder;
import io.mesh4j.resilience.MeshRetry;
import io.mesh4j.time.MeshClock;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CALL stage: retries a failed attempt, on another endpoint when there is one (core avoids tried
 * endpoints), after a jittered backoff or the wait a {@code Retry-After} asks for, within the
 * service's retry budget and the call's deadline (no retry whose wait alone would outlast it). Each
 * attempt gets the per-try timeout. Only statuses decide on a response, before it is returned: a
 * body handed to the caller is never retried. Idempotent requests of a service with {@code
 * hedge.delay} are hedged instead ({@link HedgedRequest}), and a request that can have one
 * attempt only (retries and hedging off) takes a fast path: no request copy, no budget.
 *
 * <p>The policy (attempts, {@code retry.on}, backoff, per-try timeout, hedging) is the service's,
 * or, for a request a router sent here with overrides, the one of the request's configuration
 * ({@link ServiceResilience#retryPolicy(MeshCall)}); the budget is always the service's.
 *
 * <p>What may be retried: a connect failure always (nothing was sent, not even for a POST); a reset,
 * timeout or status only for idempotent methods or requests tagged {@link MeshRetry#retryable()},
 * and never when the body is one-shot.
 */
final class RetryStage implements MeshStage {

  private static final Logger log = LoggerFactory.getLogger("io.mesh4j.resilience");

  private final Map<String, ServiceResilience> services;
  private final ResilienceEvents events;
  private final MeshClock clock;
  private final ScheduledExecutorService scheduler;

  RetryStage(
      Map<String, ServiceResilience> services,
      ResilienceEvents events,
      MeshClock clock,
      ScheduledExecutorService scheduler) {
    this.services = services;
    this.events = events;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  @Override
  public Kind kind() {
    return Kind.CALL;
  }

  @Override
  public int order() {
    return StageOrder.CALL_RETRY;
  }

  @Override
  public String name() {
    return "retry";
  }

  @Override
  public Response intercept(MeshChain chain) throws IOException {
    ServiceResilience service = services.get(chain.call().service());
    if (service == null) {
      return chain.proceed(chain.request());
    }
    // A route may override retry.*, hedge.* and per-try-timeout for this request; the budget
    // stays the service's (Envoy's is per cluster).
    RetryPolicy policy = service.retryPolicy(chain.call());
    Request request = chain.request();
    MeshChain next = policy.perTryTimeout() == null ? chain : chain.withAttemptTimeout(policy.perTryTimeout());
    if (policy.singleAttempt()) {
      return next.proceed(request); // nothing to retry or hedge: no copy of the request, no budget
    }
    LatencyHistogram latencies = service.latencies(policy);
    HedgePolicy hedge = policy.hedge();
    if (hedge != null && isHedgeable(request)) {
      long delay = ServiceResilience.hedgeDelayNanos(hedge, latencies);
      if (delay >= 0) {
        service.retryBudget().onRequest();
        return new HedgedRequest(service, policy, latencies, events, clock, scheduler, chain.call(), request, delay)
            .run(next);
      }
      // a percentile not known yet: sent as if hedging were off, its latency recorded
    }
    if (policy.maxAttempts() == 1) {
      return timedAttempt(next, request, latencies);
    }
    service.retryBudget().onRequest();
    return retried(service, policy, latencies, chain, next, request);
  }

  /** The one attempt of a request that cannot be retried, its latency recorded for the hedge delay. */
  private Response timedAttempt(MeshChain next, Request request, LatencyHistogram latencies) throws IOException {
    if (latencies == null) {
      return next.proceed(request);
    }
    long start = clock.nanoTime();
    Response response = next.proceed(request);
    latencies.record(clock.nanoTime() - start);
    return response;
  }

  /** Attempts one after another. */
  private Response retried(
      ServiceResilience service,
      RetryPolicy policy,
      LatencyHistogram latencies,
      MeshChain chain,
      MeshChain next,
      Request request)
      throws IOException {
    boolean repeatable = isRepeatable(request);
    // One progress for the request's attempts, which run one after another, reset before each. It
    // travels as a request tag, not as the logical OkHttp call's: a stage may run the attempts on
    // OkHttp calls of their own (concurrentAttempts), where the network side sees only the request.
    AttemptProgress progress = new AttemptProgress();
    request = request.newBuilder().tag(AttemptProgress.class, progress).build();
    for (int attempt = 1; ; attempt++) {
      progress.reset();
      boolean last = attempt >= policy.maxAttempts();
      long start = clock.nanoTime();
      Response response;
      try {
        response = next.proceed(request);
      } catch (IOException e) {
        if (last || chain.call().okHttpCall().isCanceled()) {
          throw e;
        }
        FailureKind kind = FailureKind.of(e, progress.connected());
        boolean safe = kind == FailureKind.CONNECT || repeatable;
        if (!safe || !policy.retryOn().failure(kind)) {
          throw e;
        }
        Duration backoff =
            retryWait(service, policy, chain, attempt, kind.name().toLowerCase(java.util.Locale.ROOT), RetryAfter.NONE);
        if (backoff == null) {
          throw e;
        }
        sleep(backoff);
        if (chain.call().okHttpCall().isCanceled()) {
          throw e;
        }
        continue;
      }
      if (attempt == 1 && latencies != null) {
        latencies.record(clock.nanoTime() - start);
      }
      if (last || !repeatable || !policy.retryOn().status(response.code())) {
        return response;
      }
      long retryAfter = RetryAfter.nanos(response.header("Retry-After"), clock.wallMillis());
      Duration wait = retryWait(service, policy, chain, attempt, "HTTP " + response.code(), retryAfter);
      if (wait == null) {
        return response;
      }
      // discarded (its body was never handed to the caller): free its connection before waiting
      response.close();
      sleep(wait);
      if (chain.call().okHttpCall().isCanceled()) {
        throw new IOException("Canceled");
      }
    }
  }

  /**
   * Deadline, {@code Retry-After} and budget: the wait before the next attempt, or null when there
   * is to be no next attempt. A {@code Retry-After} replaces the backoff; one longer than {@code
   * retry.retry-after.max}, or than what is left of the call's deadline, means no retry: the caller
   * gets the response at once rather than a wait that cannot help.
   */
  private Duration retryWait(
      ServiceResilience service, RetryPolicy policy, MeshChain chain, int attempt, String reason, long retryAfter) {
    MeshCall call = chain.call();
    long remaining = call.remainingNanos(); // without a deadline Long.MAX_VALUE
    Duration wait;
    if (retryAfter != RetryAfter.NONE) {
      if (retryAfter > policy.retryAfterMax().toNanos() || retryAfter >= remaining) {
        log.debug("service '{}': no retry ({}): Retry-After asks for {}ms, beyond {}", service.name(), reason,
            TimeUnit.NANOSECONDS.toMillis(retryAfter),
            retryAfter >= remaining ? "the call's deadline" : "retry.retry-after.max");
        return null;
      }
      wait = Duration.ofNanos(retryAfter);
    } else {
      wait = policy.backoff().before(attempt);
      if (remaining <= wait.toNanos()) {
        return null; // it could not even start in time
      }
    }
    if (!service.retryBudget().tryRetry()) {
      events.publish(new RetryDenied(service.name(), reason));
      return null;
    }
    List<MeshAttempt> attempts = call.attempts();
    MeshAttempt failed = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    events.publish(
        new RetryScheduled(service.name(), failed == null ? null : failed.endpoint(), reason, attempt + 1, wait));
    return wait;
  }

  private static boolean isRepeatable(Request request) {
    RequestBody body = request.body();
    if (body != null && body.isOneShot()) {
      return false;
    }
    return RetryPolicy.idempotent(request.method()) || request.tag(MeshRetry.class) != null;
  }

  /**
   * Hedging sends a copy while the first may still be running, so only methods that mean the same
   * however many run at once: neither a header nor {@link MeshRetry#retryable()} (which says a
   * request may be repeated after its attempt ended) opts a POST in.
   */
  private static boolean isHedgeable(Request request) {
    RequestBody body = request.body();
    return RetryPolicy.idempotent(request.method()) && (body == null || !body.isOneShot());
  }

  private void sleep(Duration backoff) throws InterruptedIOException {
    if (backoff.isZero()) {
      return;
    }
    try {
      // The backoff is the point of this wait: the request's own thread pauses before retrying.
      Thread.sleep(backoff.toMillis(), (int) (backoff.toNanos() % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during retry backoff");
    }
  }
}
