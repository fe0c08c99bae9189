package io.mesh4j.resilience.internal;

import io.mesh4j.pipeline.MeshCall;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.resilience.Deadline;
import io.mesh4j.resilience.DeadlineExceededException;
import io.mesh4j.resilience.InboundDeadline;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Outermost CALL stage: works out the call's deadline, the smaller of core's {@code timeout}
 * (counted from when the mesh accepted the call) and the inbound deadline of the request being
 * served (a {@link Deadline} tag, else {@link InboundDeadline#current()}), and tags the request
 * with it for the attempts' header. Core already cancels the call at its own timeout; when the
 * inbound deadline is the earlier one, this stage cancels the call then, until the body is done.
 */
final class DeadlineStage implements MeshStage {

  static final int ORDER = 120;

  private final ScheduledExecutorService scheduler;
  private final io.mesh4j.time.MeshClock clock;

  DeadlineStage(ScheduledExecutorService scheduler, io.mesh4j.time.MeshClock clock) {
    this.scheduler = scheduler;
    this.clock = clock;
  }

  @Override
  public Kind kind() {
    return Kind.CALL;
  }

  @Override
  public int order() {
    return ORDER;
  }

  @Override
  public Response intercept(MeshChain chain) throws IOException {
    Request request = chain.request();
    MeshCall call = chain.call();
    Deadline inbound = request.tag(Deadline.class);
    if (inbound == null) {
      inbound = InboundDeadline.current().orElse(null);
    }
    Duration timeout = CoreTimeout.of(call.config());
    Deadline own =
        timeout == null ? null : Deadline.after(timeout.minusNanos(clock.nanoTime() - call.startNanos()));
    if (inbound == null && own == null) {
      return chain.proceed(request);
    }
    boolean inboundFirst = inbound != null && (own == null || inbound.compareTo(own) < 0);
    CallDeadline callDeadline = new CallDeadline(inboundFirst ? inbound : own);
    Request tagged = request.newBuilder().tag(CallDeadline.class, callDeadline).build();
    if (!inboundFirst) {
      return chain.proceed(tagged);
    }
    if (inbound.isExpired()) {
      throw new DeadlineExceededException(call.service());
    }
    ScheduledFuture<?> timer =
        scheduler.schedule(
            () -> {
              callDeadline.markInboundFired();
              call.okHttpCall().cancel();
            },
            inbound.remaining().toNanos(),
            TimeUnit.NANOSECONDS);
    Response response;
    try {
      response = chain.proceed(tagged);
    } catch (IOException | RuntimeException e) {
      timer.cancel(false);
      if (callDeadline.inboundFired()) {
        DeadlineExceededException exceeded = new DeadlineExceededException(call.service());
        exceeded.initCause(e);
        throw exceeded;
      }
      throw e;
    }
    return OnCloseBody.wrap(response, () -> timer.cancel(false));
  }
}
