package io.mesh4j.internal.okhttp;

import io.mesh4j.MeshClosedException;
import io.mesh4j.internal.runtime.MeshRuntime;
import io.mesh4j.internal.runtime.RouteSnapshot;
import io.mesh4j.internal.runtime.ServiceRoute;
import io.mesh4j.pipeline.MeshStage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The application interceptor a wrapped client gets. A request whose host names a configured
 * service goes through the mesh pipeline on the service's current snapshot; a host that was a
 * service and was removed fails closed; any other request passes through exactly as the wrapped
 * client would send it.
 */
public final class MeshInterceptor implements Interceptor {

  private final MeshRuntime runtime;
  private final OkHttpClient base;
  private final AttemptSender sender;
  private final UnmeshedGuard unmeshed;
  /** The guarded resolver for the last resolver seen: a client keeps one, so this is built once. */
  private volatile DnsPair guardedDns;
  /** Runs concurrent attempts (hedges); built when a request first needs one. */
  private volatile OkHttpClient attemptClient;

  private record DnsPair(okhttp3.Dns original, okhttp3.Dns guarded) {}

  /** @param base the client being wrapped, without this interceptor */
  public MeshInterceptor(MeshRuntime runtime, OkHttpClient base) {
    this.runtime = runtime;
    this.base = base;
    this.sender = new AttemptSender(runtime);
    this.unmeshed = new UnmeshedGuard(runtime);
  }

  /** The network interceptors a wrapped client gets along with this one, outermost first. */
  public List<Interceptor> networkInterceptors() {
    List<Interceptor> out = new java.util.ArrayList<>();
    out.add(unmeshed); // also hides follow-ups from OkHttp: one interceptor, one chain copy per request
    for (Interceptor i : runtime.networkInterceptors()) {
      out.add(new MeshOnlyInterceptor(i));
    }
    return out;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    String host = MeshNames.serviceName(request.url().host());
    ServiceRoute route = runtime.route(host);
    if (route == null) {
      route = runtime.routeOrFailClosed(host); // throws for a removed service
      if (route == null) {
        // not a service: sent as the caller's client would, but its redirects never reach a service name
        return chain.withDns(guarded(chain.getDns())).proceed(request);
      }
    }
    if (runtime.refusesCalls()) { // closed, or shutting down: calls already under way go on
      throw runtime.refusal(route.name());
    }
    // the call's clock starts now: its timeout covers a wait for the service's first discovery answer
    long start = runtime.clock().nanoTime();
    // hasAnswered() before current(): true only once the answer's snapshot (e.g. its router) is published
    boolean answered = route.hasAnswered();
    RouteSnapshot snapshot = route.current();
    WaitingCall waiting = null;
    if (!answered && snapshot.router() == null) {
      // Before its first answer a service may turn out to route (its router comes with the answer):
      // wait for it here, in flight, rather than in the attempt, where the call is bound to it.
      waiting = new WaitingCall(chain.call());
      snapshot = awaitFirstAnswer(route, snapshot, waiting, start);
    }
    MeshCallImpl call;
    try {
      call = newCall(chain, request, snapshot, start, waiting != null);
    } finally {
      if (waiting != null) {
        runtime.inFlight().remove(waiting); // after the call was added: a shutdown never sees none in between
      }
    }
    CallScope finish = new CallScope(chain, call);
    Response response;
    try {
      List<MeshStage> stages = runtime.callStages();
      if (stages.isEmpty()) { // as an empty StageChain would, without allocating it
        response = sender.send(chain, call, request, null);
      } else {
        response = new StageChain(stages, 0, call, null, request, finish, null, chain.call(), finish)
            .proceed(request);
      }
    } catch (IOException e) {
      finish.run();
      throw finish.translate(e);
    } catch (RuntimeException | Error e) { // an Error too: a call left in flight would hold shutdown() for its grace
      finish.run();
      throw e;
    }
    CompletionBody body = new CompletionBody(response.body(), finish, finish);
    return response.newBuilder().body(body).build();
  }

  /**
   * The call for a request: on the addressed service, or on the service its router chose (with
   * the route's overrides), registered in flight with its timeout started.
   */
  private MeshCallImpl newCall(Chain chain, Request request, RouteSnapshot snapshot, long start, boolean waited)
      throws IOException {
    String routedFrom = null;
    String routeHashKey = null;
    String timeoutSource = null;
    io.mesh4j.routing.RequestRouter router = snapshot.router();
    if (router != null) {
      io.mesh4j.routing.RouteDecision decision;
      try {
        decision = router.route(request);
      } catch (RuntimeException e) {
        io.mesh4j.NoRouteException failed = new io.mesh4j.NoRouteException(snapshot.name(),
            "the router of service '" + snapshot.name() + "' failed: " + e);
        failed.initCause(e);
        throw failed;
      }
      routedFrom = snapshot.name();
      RouteSnapshot routing = snapshot;
      snapshot = RequestRouting.target(runtime, snapshot, decision, request);
      if (routing.demandsSecurity()) {
        refusePlaintextTarget(routing, snapshot.base());
      }
      routeHashKey = decision.hashKey();
      timeoutSource = snapshot.timeoutSource(); // built once with the derived snapshot
    }
    if (request.isHttps()) {
      refuseDowngrade(snapshot.base());
    }
    MeshCallImpl call = new MeshCallImpl(
        snapshot, routedFrom, routeHashKey, chain.call(), start, runtime.clock(), runtime.scheduler());
    runtime.inFlight().add(call);
    try {
      // A shutdown or close() may have begun between the check and add; if it has not by now,
      // it sees this call in flight and waits for (or cancels) it. A call that waited for discovery
      // was in flight all along: only a close() refuses it.
      if (waited ? runtime.isClosed() : runtime.refusesCalls()) {
        throw new RejectedExecutionException("closed");
      }
      call.startTimeout(snapshot.timeout(), timeoutSource);
    } catch (RejectedExecutionException closing) {
      runtime.inFlight().remove(call);
      call.complete();
      throw runtime.refusal(snapshot.name());
    }
    if (waited && call.remainingNanos() <= 0) {
      // its deadline passed while it waited for discovery: never sent
      IOException timedOut = call.timeoutException();
      runtime.inFlight().remove(call);
      call.complete();
      throw timedOut;
    }
    return call;
  }

  /**
   * Waits for the service's first answer, in flight, at most its discovery.initial-wait and at
   * most what is left of its timeout (both from the request's start), and not past a cancel();
   * its snapshot then.
   */
  private RouteSnapshot awaitFirstAnswer(ServiceRoute route, RouteSnapshot snapshot, WaitingCall waiting, long start)
      throws IOException {
    runtime.inFlight().add(waiting);
    boolean ok = false;
    try {
      if (runtime.refusesCalls()) {
        throw runtime.refusal(route.name());
      }
      long until = DiscoveryWait.until(start, snapshot.initialWait());
      if (snapshot.timeout() != null) {
        until = Math.min(until, DiscoveryWait.until(start, snapshot.timeout()));
      }
      DiscoveryWait.await(route, until - runtime.clock().nanoTime(), waiting.okHttpCall());
      if (waiting.okHttpCall().isCanceled()) {
        throw new IOException("Canceled"); // as OkHttp says it
      }
      if (route.isClosed()) {
        throw runtime.isClosed()
            ? MeshClosedException.duringRequest(route.name())
            : new io.mesh4j.ServiceRemovedException(route.name());
      }
      ok = true;
      return route.current(); // after the wait: hasAnswered() was released after publication
    } finally {
      if (!ok) {
        runtime.inFlight().remove(waiting);
      }
    }
  }

  /** A request in flight while it waits for its service's first discovery answer, before its call exists. */
  private static final class WaitingCall extends io.mesh4j.internal.runtime.TrackedCall {
    private final okhttp3.Call okHttpCall;

    WaitingCall(okhttp3.Call okHttpCall) {
      this.okHttpCall = okHttpCall;
    }

    @Override
    public okhttp3.Call okHttpCall() {
      return okHttpCall;
    }

    @Override
    public void complete() {}
  }

  /**
   * The client that runs concurrent attempts: the wrapped client's configuration (dispatcher, pool,
   * event listener, network interceptors) with the attempt runner as its only application
   * interceptor, since the logical request has been through the caller's already.
   */
  OkHttpClient attemptClient() {
    OkHttpClient c = attemptClient;
    if (c == null) {
      synchronized (this) {
        c = attemptClient;
        if (c == null) {
          OkHttpClient.Builder b = base.newBuilder();
          b.interceptors().clear();
          b.addInterceptor(DetachedAttempts.RUNNER);
          networkInterceptors().forEach(b::addNetworkInterceptor);
          c = b.build();
          attemptClient = c;
        }
      }
    }
    return c;
  }

  private okhttp3.Dns guarded(okhttp3.Dns dns) {
    DnsPair pair = guardedDns;
    if (pair == null || pair.original() != dns) {
      pair = new DnsPair(dns, unmeshed.dns(dns));
      guardedDns = pair;
    }
    return pair.guarded();
  }

  /** A routing service configured for mTLS never sends its requests to a target called over plaintext. */
  private void refusePlaintextTarget(RouteSnapshot routing, RouteSnapshot target)
      throws io.mesh4j.PlaintextRefusedException {
    io.mesh4j.spi.TransportSecurity security = runtime.transportSecurityOrNull();
    if (security == null || !security.securesService(target)) {
      throw io.mesh4j.PlaintextRefusedException.routedToPlaintext(routing.name(), target.name(),
          security == null ? "mesh-tls is not on the class path"
              : "mesh.tls.mode or mesh.services." + target.name() + ".tls.mode is disabled");
    }
  }

  /** {@code https://orders/...} is sent over mTLS or not at all: never downgraded to http. */
  private void refuseDowngrade(RouteSnapshot snapshot) throws io.mesh4j.PlaintextRefusedException {
    io.mesh4j.spi.TransportSecurity security = runtime.transportSecurityOrNull();
    if (security == null) {
      throw new io.mesh4j.PlaintextRefusedException(snapshot.name(), "mesh-tls is not on the class path");
    }
    if (!security.securesService(snapshot)) {
      throw new io.mesh4j.PlaintextRefusedException(snapshot.name(),
          "mesh.tls.mode or mesh.services." + snapshot.name() + ".tls.mode is disabled");
    }
  }

  /**
   * What one mesh call needs besides its MeshCallImpl, in one object per call: the end of its CALL
   * stages and where they detach concurrent attempts; the end of the call when its response body
   * is done (or the call failed); the translation of the body's read failures.
   */
  private final class CallScope
      implements StageChain.Terminal, StageChain.Detacher, Runnable, CompletionBody.FailureTranslator {

    private final Chain chain;
    private final MeshCallImpl call;

    CallScope(Chain chain, MeshCallImpl call) {
      this.chain = chain;
      this.call = call;
    }

    @Override
    public Response proceed(Request request, java.time.Duration attemptTimeout) throws IOException {
      return sender.send(chain, call, request, attemptTimeout);
    }

    @Override
    public io.mesh4j.pipeline.ConcurrentAttempts detach(
        int index, java.time.Duration attemptTimeout, Runnable onCallCancelled) {
      return DetachedAttempts.start(
          MeshInterceptor.this, sender, chain, call, runtime.callStages(), index, attemptTimeout,
          runtime.captureRequestContext(), onCallCancelled);
    }

    /** Ends the call. */
    @Override
    public void run() {
      runtime.inFlight().remove(call);
      call.complete();
    }

    /** A failure the mesh caused by cancelling the call (deadline, close) is reported as such. */
    @Override
    public IOException translate(IOException failure) {
      if (failure instanceof io.mesh4j.MeshTimeoutException) {
        return failure;
      }
      if (failure instanceof io.mesh4j.TlsMismatchException) {
        return failure; // found before the deadline cut the call: the cause, not a timeout
      }
      if (call.deadlineExceeded()) {
        // A handshake the deadline cut short says why (e.g. a plaintext server that never answered
        // the ClientHello): keep that in the timeout's message rather than only in its cause.
        IOException timedOut = failure instanceof javax.net.ssl.SSLException
            ? call.timeoutException(failure.getMessage())
            : call.timeoutException();
        timedOut.initCause(failure);
        return timedOut;
      }
      if (runtime.isClosed() && call.okHttpCall().isCanceled()) {
        MeshClosedException closed = MeshClosedException.duringRequest(call.service());
        closed.initCause(failure);
        return closed;
      }
      return failure;
    }
  }
}
