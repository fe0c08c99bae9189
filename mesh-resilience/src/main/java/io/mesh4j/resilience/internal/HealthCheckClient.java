package io.mesh4j.resilience.internal;

import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.TransportSecurity;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * The OkHttp client that probes endpoints, owned by one extension: its own dispatcher threads
 * ({@code mesh4j-health-check-*}) and connection pool, both stopped by {@link #close()}. Probes of a
 * service secured by the mesh go over mTLS with the mesh's transport security.
 */
final class HealthCheckClient implements AutoCloseable {

  /** Request tag naming the service a probe is for, so the TLS interceptor can secure it. */
  record Probe(String service) {}

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

  /** True when probes of {@code service} must use TLS (and therefore https URLs). */
  boolean securesService(String service) {
    return context.transportSecurity().map(ts -> ts.securesService(service)).orElse(false);
  }

  OkHttpClient client() {
    return client;
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
