package io.mesh4j.internal.okhttp;

import io.mesh4j.MeshClosedException;
import io.mesh4j.NoHealthyEndpointException;
import io.mesh4j.ServiceRemovedException;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.internal.runtime.MeshRuntime;
import io.mesh4j.internal.runtime.RouteSnapshot;
import io.mesh4j.internal.runtime.ServiceRoute;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.spi.TransportSecurity;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One attempt of a mesh request: pick an endpoint, rewrite the logical URL to it, run the attempt
 * stages, send it on the mesh's connection pool with the mesh's transport security, and tell the
 * balancer how it went.
 */
final class AttemptSender {

  private final MeshRuntime runtime;
  private final EndpointUrls endpointUrls = new EndpointUrls();

  AttemptSender(MeshRuntime runtime) {
    this.runtime = runtime;
  }

  Response send(Interceptor.Chain chain, MeshCallImpl call, Request logical, Duration callStageTimeout)
      throws IOException {
    RouteSnapshot snapshot = call.snapshot();
    PickResult pick = pick(snapshot, call, logical);
    Endpoint endpoint = pick.endpoint();
    MeshAttempt attempt = call.newAttempt(endpoint);
    TransportSecurity security = runtime.transportSecurityOrNull();
    // a route's derived snapshot differs only in per-request keys: secure as the service's own
    boolean secure = security != null && security.securesService(snapshot.base());
    OriginalHeaders original = new OriginalHeaders();
    Request physical = rewrite(logical, endpoint, secure, attempt, original);

    Interceptor.Chain meshChain =
        chain.withRetryOnConnectionFailure(false).withConnectionPool(runtime.connectionPool());
    if (secure) {
      meshChain = security.secure(meshChain, snapshot.base());
    }
    Interceptor.Chain network = meshChain;
    List<MeshStage> stages = runtime.attemptStages();
    long started = runtime.clock().nanoTime();
    Response response;
    try {
      if (stages.isEmpty()) {
        // What an empty StageChain would do, without allocating it and its terminal per attempt.
        response = proceedNamed(withTimeout(network, callStageTimeout), physical, snapshot.name());
      } else {
        StageChain attemptChain =
            new StageChain(
                stages,
                0,
                call,
                attempt,
                physical,
                (r, attemptStageTimeout) -> proceedNamed(
                    withTimeout(network, attemptStageTimeout != null ? attemptStageTimeout : callStageTimeout),
                    r, snapshot.name()),
                null,
                chain.call(),
                null);
        response = attemptChain.proceed(physical);
      }
    } catch (IOException | RuntimeException e) {
      pick.tracker().onComplete(runtime.clock().nanoTime() - started, false);
      if (e instanceof ConnectException || e instanceof NoRouteToHostException || e instanceof UnknownHostException) {
        snapshot.route().requestDiscoveryRefresh(); // the address may be stale
      }
      throw e;
    }
    // the same notion of a failed response as the circuit breaker's and outlier detection's
    boolean failed = runtime.responseClassifier().isFailure(snapshot.name(), response.code());
    pick.tracker().onComplete(runtime.clock().nanoTime() - started, !failed);
    if (original.headers != null) {
      response = response.newBuilder().headers(original.headers).build();
    }
    return response;
  }

  /**
   * Sends on the network; a TLS mismatch found in the handshake (which knows only host:port) is
   * given the service's name, so its hint names the key to set. The stages above see that one.
   */
  private static Response proceedNamed(Interceptor.Chain network, Request request, String service)
      throws IOException {
    try {
      return network.proceed(request);
    } catch (io.mesh4j.TlsMismatchException e) {
      throw e.forService(service);
    }
  }

  private static Interceptor.Chain withTimeout(Interceptor.Chain chain, Duration timeout) {
    if (timeout == null) {
      return chain;
    }
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    return chain
        .withConnectTimeout(millis, TimeUnit.MILLISECONDS)
        .withReadTimeout(millis, TimeUnit.MILLISECONDS)
        .withWriteTimeout(millis, TimeUnit.MILLISECONDS);
  }

  private PickResult pick(RouteSnapshot snapshot, MeshCallImpl call, Request logical) throws IOException {
    String hashKey = call.routeHashKey();
    if (hashKey == null) {
      hashKey = hashKey(snapshot, logical);
    }
    java.util.Set<io.mesh4j.discovery.Endpoint> tried = call.triedEndpoints();
    // a first attempt without a hash key, i.e. almost every request: the shared empty request
    PickRequest pickRequest = hashKey == null && tried.isEmpty() ? PickRequest.empty() : new PickRequest(hashKey, tried);
    PickResult pick = snapshot.pick(pickRequest);
    ServiceRoute route = snapshot.route();
    if (pick.isPending()) {
      long waitUntil = call.discoveryWaitUntil();
      DiscoveryWait.await(route, waitUntil - runtime.clock().nanoTime(), call.okHttpCall());
      if (call.okHttpCall().isCanceled()) {
        throw new IOException("Canceled"); // as OkHttp says it; a deadline's cancel becomes its timeout
      }
      if (route.hasAnswered() && route.discoveryError() == null) { // endpoints came: the policy may be slow
        try {
          snapshot.awaitPicker(Math.max(0, waitUntil - runtime.clock().nanoTime()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted waiting for discovery of " + snapshot.name());
        }
      }
      if (route.isClosed()) {
        throw runtime.isClosed()
            ? MeshClosedException.duringRequest(snapshot.name())
            : new ServiceRemovedException(snapshot.name());
      }
      pick = snapshot.pick(pickRequest);
    }
    if (!pick.hasEndpoint()) {
      Throwable cause = route.discoveryError();
      String reason = pick.reason();
      if (cause != null) {
        reason = "discovery failed: " + cause.getMessage();
      } else if (pick.isPending()) {
        // the time this request actually waited (from its start: a routed one waited for its router too)
        long waited = TimeUnit.NANOSECONDS.toMillis(Math.max(0, runtime.clock().nanoTime() - call.startNanos()));
        reason = route.hasAnswered()
            ? "load-balancing policy '" + snapshot.policyName() + "' published no picker within "
                + waited + "ms of the request's start"
            : "discovery gave no answer within " + waited + "ms of the request's start (discovery.initial-wait "
                + snapshot.initialWait().toMillis() + "ms)";
      }
      throw new NoHealthyEndpointException(snapshot.name(), reason, cause);
    }
    return pick;
  }

  private static String hashKey(RouteSnapshot snapshot, Request logical) {
    String header = snapshot.hashHeader();
    return header == null ? null : logical.header(header);
  }

  private Request rewrite(
      Request logical, Endpoint endpoint, boolean secure, MeshAttempt attempt, OriginalHeaders original) {
    HttpUrl url = endpointUrls.rewrite(logical.url(), endpoint, secure);
    Request.Builder b = logical.newBuilder().url(url);
    if (logical.header("Host") == null) {
      // The backend sees the logical name, as it would through a sidecar.
      b.header("Host", hostHeader(logical.url()));
    }
    return b.tag(MeshTags.ATTEMPT, attempt).tag(MeshTags.ORIGINAL_HEADERS, original).build();
  }

  /** The logical name as the backend should see it: {@code orders}, also for {@code orders.}. */
  private static String hostHeader(HttpUrl logical) {
    String host = MeshNames.serviceName(logical.host());
    return logical.port() == HttpUrl.defaultPort(logical.scheme()) ? host : host + ":" + logical.port();
  }
}
