package io.mesh4j.internal.okhttp;

import io.mesh4j.MeshClosedException;
import io.mesh4j.MeshTimeoutException;
import io.mesh4j.internal.runtime.MeshRuntime;
import io.mesh4j.internal.runtime.ServiceRoute;
import io.mesh4j.pipeline.MeshStage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The application interceptor a wrapped client gets. A request whose host names a configured
 * service goes through the mesh pipeline; any other request passes through exactly as the wrapped
 * client would send it.
 */
public final class MeshInterceptor implements Interceptor {

  private final MeshRuntime runtime;
  private final AttemptSender sender;

  public MeshInterceptor(MeshRuntime runtime) {
    this.runtime = runtime;
    this.sender = new AttemptSender(runtime);
  }

  /** The network interceptors a wrapped client gets along with this one, outermost first. */
  public java.util.List<Interceptor> networkInterceptors() {
    java.util.List<Interceptor> out = new java.util.ArrayList<>();
    out.add(new FollowUpGuard());
    for (Interceptor i : runtime.networkInterceptors()) {
      out.add(new MeshOnlyInterceptor(i));
    }
    return out;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    ServiceRoute route = runtime.route(request.url().host());
    if (route == null) {
      return chain.proceed(request);
    }
    if (runtime.isClosed()) {
      throw new MeshClosedException(route.serviceName());
    }
    MeshCallImpl call = new MeshCallImpl(route, chain.call(), runtime.clock().nanoTime());
    runtime.inFlight().add(call);
    Duration timeout = runtime.timeout(route.config());
    ScheduledFuture<?> deadline;
    try {
      if (runtime.isClosed()) { // close() may have run between the check and add
        throw new RejectedExecutionException("closed");
      }
      deadline = timeout == null ? null : scheduleDeadline(call, timeout);
    } catch (RejectedExecutionException closing) {
      runtime.inFlight().remove(call);
      call.complete();
      throw new MeshClosedException(route.serviceName());
    }
    CallEnd finish = new CallEnd(call, chain.call(), timeout, deadline);
    Response response;
    try {
      List<MeshStage> stages = runtime.callStages();
      response =
          stages.isEmpty() // as an empty StageChain would, without allocating it and its terminal
              ? sender.send(chain, call, request, null)
              : new StageChain(stages, 0, call, null, request, (r, t) -> sender.send(chain, call, r, t))
                  .proceed(request);
    } catch (IOException e) {
      finish.run();
      throw finish.translate(e);
    } catch (RuntimeException e) {
      finish.run();
      throw e;
    }
    CompletionBody body = new CompletionBody(response.body(), finish, finish);
    return response.newBuilder().body(body).build();
  }

  /**
   * Ends one mesh call when its response body is done (or the call failed), and translates the
   * body's read failures: one object per call for both.
   */
  private final class CallEnd implements Runnable, CompletionBody.FailureTranslator {

    private final MeshCallImpl call;
    private final okhttp3.Call okHttpCall;
    private final Duration timeout;
    private final ScheduledFuture<?> deadline;

    CallEnd(MeshCallImpl call, okhttp3.Call okHttpCall, Duration timeout, ScheduledFuture<?> deadline) {
      this.call = call;
      this.okHttpCall = okHttpCall;
      this.timeout = timeout;
      this.deadline = deadline;
    }

    @Override
    public void run() {
      if (deadline != null) {
        deadline.cancel(false);
      }
      runtime.inFlight().remove(call);
      call.complete();
    }

    @Override
    public IOException translate(IOException failure) {
      return MeshInterceptor.this.translate(failure, call, okHttpCall, timeout);
    }
  }

  /** A failure the mesh caused by cancelling the call (deadline, close) is reported as such. */
  private IOException translate(IOException e, MeshCallImpl call, okhttp3.Call okHttpCall, Duration timeout) {
    if (call.deadlineExceeded()) {
      MeshTimeoutException timedOut = new MeshTimeoutException(call.service(), timeout);
      timedOut.initCause(e);
      return timedOut;
    }
    if (runtime.isClosed() && okHttpCall.isCanceled()) {
      MeshClosedException closed = MeshClosedException.duringRequest(call.service());
      closed.initCause(e);
      return closed;
    }
    return e;
  }

  private ScheduledFuture<?> scheduleDeadline(MeshCallImpl call, Duration timeout) {
    return runtime
        .scheduler()
        .schedule(
            () -> {
              call.markTimedOut();
              call.okHttpCall().cancel();
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
  }
}
