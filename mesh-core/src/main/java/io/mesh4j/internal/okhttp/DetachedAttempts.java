package io.mesh4j.internal.okhttp;

import io.mesh4j.pipeline.ConcurrentAttempts;
import io.mesh4j.pipeline.MeshStage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The concurrent attempts of one logical call ({@link ConcurrentAttempts}). Each attempt is an
 * OkHttp call of its own on the wrapped client's attempt client ({@link
 * MeshInterceptor#attemptClient()}), whose one application interceptor ({@link #RUNNER}) runs the
 * rest of the CALL stages and the attempt, on the settings of the logical call's chain. Cancelling
 * the logical call cancels them all: an event listener on it hears the cancellation, whoever made
 * it (the caller, the call's deadline, the mesh closing).
 */
final class DetachedAttempts implements ConcurrentAttempts {

  private static final Logger log = LoggerFactory.getLogger(DetachedAttempts.class);

  /** The attempt client's application interceptor: runs the attempt its call is tagged with. */
  static final Interceptor RUNNER =
      chain -> {
        Attempt attempt = chain.call().tag(Attempt.class);
        if (attempt == null) {
          throw new IllegalStateException("a call of the mesh's attempt client carries no attempt");
        }
        return attempt.runOn(chain);
      };

  private final MeshInterceptor owner;
  private final AttemptSender sender;
  private final Interceptor.Chain logicalChain;
  private final MeshCallImpl call;
  private final List<MeshStage> stages;
  private final int index;
  private final Duration attemptTimeout;
  private final UnaryOperator<Runnable> context;
  private final Runnable onCallCancelled;
  private final List<Attempt> attempts = new ArrayList<>(2); // guarded by this
  private boolean callCancelled; // guarded by this

  private DetachedAttempts(
      MeshInterceptor owner,
      AttemptSender sender,
      Interceptor.Chain logicalChain,
      MeshCallImpl call,
      List<MeshStage> stages,
      int index,
      Duration attemptTimeout,
      UnaryOperator<Runnable> context,
      Runnable onCallCancelled) {
    this.owner = owner;
    this.sender = sender;
    this.logicalChain = logicalChain;
    this.call = call;
    this.stages = stages;
    this.index = index;
    this.attemptTimeout = attemptTimeout;
    this.context = context;
    this.onCallCancelled = onCallCancelled;
  }

  static DetachedAttempts start(
      MeshInterceptor owner,
      AttemptSender sender,
      Interceptor.Chain logicalChain,
      MeshCallImpl call,
      List<MeshStage> stages,
      int index,
      Duration attemptTimeout,
      UnaryOperator<Runnable> context,
      Runnable onCallCancelled) {
    DetachedAttempts attempts =
        new DetachedAttempts(
            owner, sender, logicalChain, call, stages, index, attemptTimeout, context, onCallCancelled);
    Call logical = logicalChain.call();
    logical.addEventListener(
        new EventListener() {
          @Override
          public void canceled(Call c) {
            attempts.callCancelled();
          }
        });
    // cancel() sets its flag before it reads the listeners: one of the two sees the other
    if (logical.isCanceled()) {
      attempts.callCancelled();
    }
    return attempts;
  }

  @Override
  public ConcurrentAttempts.Attempt newAttempt(Request request) {
    Attempt attempt = new Attempt(java.util.Objects.requireNonNull(request, "request"));
    synchronized (this) {
      if (!callCancelled) {
        attempts.add(attempt);
        return attempt;
      }
    }
    attempt.cancel();
    return attempt;
  }

  private void callCancelled() {
    List<Attempt> toCancel;
    synchronized (this) {
      if (callCancelled) {
        return;
      }
      callCancelled = true;
      toCancel = List.copyOf(attempts);
      attempts.clear();
    }
    toCancel.forEach(Attempt::cancel);
    try {
      onCallCancelled.run();
    } catch (RuntimeException e) {
      log.warn("a stage's cancellation callback of a request to '{}' failed", call.service(), e);
    }
  }

  /** The logical chain's settings that a client derived from the wrapped one may have changed. */
  private Interceptor.Chain withLogicalSettings(Interceptor.Chain chain) {
    Interceptor.Chain c = chain;
    Interceptor.Chain l = logicalChain;
    java.util.concurrent.TimeUnit ms = java.util.concurrent.TimeUnit.MILLISECONDS;
    if (c.connectTimeoutMillis() != l.connectTimeoutMillis()) {
      c = c.withConnectTimeout(l.connectTimeoutMillis(), ms);
    }
    if (c.readTimeoutMillis() != l.readTimeoutMillis()) {
      c = c.withReadTimeout(l.readTimeoutMillis(), ms);
    }
    if (c.writeTimeoutMillis() != l.writeTimeoutMillis()) {
      c = c.withWriteTimeout(l.writeTimeoutMillis(), ms);
    }
    if (c.getDns() != l.getDns()) {
      c = c.withDns(l.getDns());
    }
    if (c.getSocketFactory() != l.getSocketFactory()) {
      c = c.withSocketFactory(l.getSocketFactory());
    }
    if (c.getProxy() != l.getProxy()) {
      c = c.withProxy(l.getProxy());
    }
    if (c.getProxySelector() != l.getProxySelector()) {
      c = c.withProxySelector(l.getProxySelector());
    }
    if (c.getCookieJar() != l.getCookieJar()) {
      c = c.withCookieJar(l.getCookieJar());
    }
    if (c.getCache() != l.getCache()) {
      c = c.withCache(l.getCache());
    }
    return c;
  }

  /** One concurrent attempt; also its OkHttp call's tag, which the {@link #RUNNER} finds. */
  private final class Attempt implements ConcurrentAttempts.Attempt {

    private final Request request;
    private final AtomicBoolean run = new AtomicBoolean();
    private volatile Call okHttpCall;
    private volatile boolean canceled;

    Attempt(Request request) {
      this.request = request;
    }

    @Override
    public Response execute() throws IOException {
      Call c = newCall();
      Response[] response = new Response[1];
      Throwable[] failure = new Throwable[1];
      context.apply(
              () -> {
                try {
                  response[0] = c.execute();
                } catch (IOException | RuntimeException | Error e) {
                  failure[0] = e;
                }
              })
          .run();
      Throwable f = failure[0];
      if (f instanceof IOException e) {
        throw e;
      }
      if (f instanceof RuntimeException e) {
        throw e;
      }
      if (f instanceof Error e) {
        throw e;
      }
      return response[0];
    }

    @Override
    public void start(Callback callback) {
      java.util.Objects.requireNonNull(callback, "callback");
      Call c = newCall();
      Runnable task =
          context.apply(
              () -> {
                Response response;
                try {
                  response = c.execute();
                } catch (IOException e) {
                  report(callback, null, e);
                  return;
                } catch (RuntimeException e) {
                  // a stage's bug must still end the attempt for whoever waits for it
                  report(callback, null, new IOException("attempt failed: " + e, e));
                  return;
                }
                report(callback, response, null);
              });
      try {
        owner.attemptClient().dispatcher().executorService().execute(task);
      } catch (RejectedExecutionException e) {
        c.cancel();
        report(callback, null, new InterruptedIOException("the client's dispatcher refused the attempt"));
      }
    }

    private void report(Callback callback, Response response, IOException failure) {
      try {
        if (failure != null) {
          callback.onFailure(failure);
        } else {
          callback.onResponse(response);
        }
      } catch (RuntimeException e) {
        log.warn("a stage's callback of a concurrent attempt to '{}' failed", call.service(), e);
        if (response != null) {
          response.close();
        }
      }
    }

    private Call newCall() {
      if (!run.compareAndSet(false, true)) {
        throw new IllegalStateException("an attempt runs once");
      }
      Call c = owner.attemptClient().newCall(request);
      c.tag(Attempt.class, () -> this);
      okHttpCall = c;
      if (canceled) { // cancel() may have missed the call: it reads the field after setting the flag
        c.cancel();
      }
      return c;
    }

    /** On the attempt's own OkHttp call: the rest of the CALL stages, then the attempt itself. */
    Response runOn(Interceptor.Chain chain) throws IOException {
      Interceptor.Chain network = withLogicalSettings(chain);
      return new StageChain(
              stages,
              index,
              call,
              null,
              request,
              (r, timeout) -> sender.send(network, call, r, timeout),
              attemptTimeout,
              chain.call(),
              null)
          .proceed(request);
    }

    @Override
    public void cancel() {
      canceled = true;
      Call c = okHttpCall;
      if (c != null) {
        c.cancel();
      }
    }

    @Override
    public boolean isCanceled() {
      return canceled;
    }
  }
}
