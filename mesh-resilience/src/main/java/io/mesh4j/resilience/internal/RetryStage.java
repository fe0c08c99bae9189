package io.mesh4j.resilience.internal;

import io.mesh4j.event.RetryDenied;
import io.mesh4j.event.RetryScheduled;
import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.pipeline.MeshCall;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.pipeline.StageOrder;
import io.mesh4j.resilience.MeshRetry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * CALL stage: retries a failed attempt, on another endpoint when there is one (core avoids tried
 * endpoints), after a jittered backoff, within the service's retry budget and the call's deadline
 * (no retry whose backoff alone would outlast it). Each attempt gets the per-try timeout. Only
 * statuses decide on a response, before it is returned: a body handed to the caller is never
 * retried.
 *
 * <p>What may be retried: a connect failure always (nothing was sent, not even for a POST); a reset,
 * timeout or status only for idempotent methods or requests tagged {@link MeshRetry#retryable()},
 * and never when the body is one-shot.
 */
final class RetryStage implements MeshStage {

  private final Map<String, ServiceResilience> services;
  private final ResilienceEvents events;

  RetryStage(Map<String, ServiceResilience> services, ResilienceEvents events) {
    this.services = services;
    this.events = events;
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
    RetryPolicy policy = service.retryPolicy();
    Request request = chain.request();
    service.retryBudget().onRequest();
    boolean repeatable = isRepeatable(request);
    for (int attempt = 1; ; attempt++) {
      AttemptProgress progress = new AttemptProgress();
      Request tagged = request.newBuilder().tag(AttemptProgress.class, progress).build();
      MeshChain next = policy.perTryTimeout() == null ? chain : chain.withAttemptTimeout(policy.perTryTimeout());
      boolean last = attempt >= policy.maxAttempts();
      Response response;
      try {
        response = next.proceed(tagged);
      } catch (IOException e) {
        if (last || chain.call().okHttpCall().isCanceled()) {
          throw e;
        }
        FailureKind kind = FailureKind.of(e, progress.connected());
        boolean safe = kind == FailureKind.CONNECT || repeatable;
        if (!safe || !policy.retryOn().failure(kind)) {
          throw e;
        }
        Duration backoff = retryBackoff(service, chain, attempt, kind.name().toLowerCase(java.util.Locale.ROOT));
        if (backoff == null) {
          throw e;
        }
        sleep(backoff);
        if (chain.call().okHttpCall().isCanceled()) {
          throw e;
        }
        continue;
      }
      if (last || !repeatable || !policy.retryOn().status(response.code())) {
        return response;
      }
      Duration backoff = retryBackoff(service, chain, attempt, "HTTP " + response.code());
      if (backoff == null) {
        return response;
      }
      // discarded (its body was never handed to the caller): free its connection before waiting
      response.close();
      sleep(backoff);
      if (chain.call().okHttpCall().isCanceled()) {
        throw new IOException("Canceled");
      }
    }
  }

  /**
   * Deadline and budget: the backoff to wait before the next attempt, or null when there is to be
   * no next attempt.
   */
  private Duration retryBackoff(ServiceResilience service, MeshChain chain, int attempt, String reason) {
    MeshCall call = chain.call();
    Duration backoff = service.retryPolicy().backoff().before(attempt);
    if (call.remainingNanos() <= backoff.toNanos()) {
      return null; // it could not even start in time (without a deadline remainingNanos is MAX_VALUE)
    }
    if (!service.retryBudget().tryRetry()) {
      events.publish(new RetryDenied(service.name(), reason));
      return null;
    }
    List<MeshAttempt> attempts = call.attempts();
    MeshAttempt failed = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    events.publish(
        new RetryScheduled(service.name(), failed == null ? null : failed.endpoint(), reason, attempt + 1, backoff));
    return backoff;
  }

  private static boolean isRepeatable(Request request) {
    RequestBody body = request.body();
    if (body != null && body.isOneShot()) {
      return false;
    }
    return RetryPolicy.idempotent(request.method()) || request.tag(MeshRetry.class) != null;
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
