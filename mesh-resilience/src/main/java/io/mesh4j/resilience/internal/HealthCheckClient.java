package io.mesh4j.resilience.internal;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.ServiceSnapshot;
import io.mesh4j.spi.TransportSecurity;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The OkHttp client that probes endpoints, owned by one extension and created when a service
 * first needs it: its own dispatcher threads ({@code mesh4j-health-check-*}) and connection pool,
 * both stopped by {@link #close()}. Probes of a service secured by the mesh go over mTLS with the
 * mesh's transport security, for the service as the mesh routes it now.
 */
final class HealthCheckClient implements AutoCloseable {

  /** Request tag: the service a probe is for, as routed when the probe was made, for the TLS interceptor. */
  private record Probe(ServiceSnapshot service) {}

  private final ExecutorService executor;
  private final ConnectionPool pool = new ConnectionPool(4, 30, TimeUnit.SECONDS);
  private final OkHttpClient client;
  private final MeshContext context;

  HealthCheckClient(MeshContext context) {
    this.context = context;
    this.executor =
        new ThreadPoolExecutor(
            0, 16, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), context.threadFactory("health-check"));
    Dispatcher dispatcher = new Dispatcher(executor);
    // The dispatcher queues calls beyond these limits; the pool must never refuse one (a refused
    // call fails like a failed probe and would mark a healthy endpoint down).
    dispatcher.setMaxRequests(16);
    dispatcher.setMaxRequestsPerHost(16);
    this.client =
        new OkHttpClient.Builder()
            .dispatcher(dispatcher)
            .connectionPool(pool)
            .retryOnConnectionFailure(false)
            .followRedirects(false)
            .addInterceptor(this::secure)
            .build();
  }

  /**
   * A probe {@code GET path} of one endpoint of {@code service}, with {@code Host: <service>}, or
   * null when the mesh no longer routes the service (a probe for it is not sent).
   */
  Call newProbe(String service, Endpoint endpoint, String path, Duration timeout) {
    ServiceSnapshot snapshot = context.service(service).orElse(null);
    if (snapshot == null) {
      return null;
    }
    boolean tls = context.transportSecurity().map(ts -> ts.securesService(snapshot)).orElse(false);
    HttpUrl url =
        new HttpUrl.Builder()
            .scheme(tls ? "https" : "http")
            .host(endpoint.host())
            .port(endpoint.port())
            .encodedPath(path)
            .build();
    Request request = new Request.Builder().url(url).header("Host", service).tag(Probe.class, new Probe(snapshot)).build();
    Call call = client.newCall(request);
    call.timeout().timeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return call;
  }

  private Response secure(Interceptor.Chain chain) throws IOException {
    Probe probe = chain.request().tag(Probe.class);
    TransportSecurity security = context.transportSecurity().orElse(null);
    if (probe != null && security != null && security.securesService(probe.service())) {
      return security.secure(chain, probe.service()).proceed(chain.request());
    }
    return chain.proceed(chain.request());
  }

  @Override
  public void close() {
    client.dispatcher().cancelAll();
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.evictAll();
  }
}
