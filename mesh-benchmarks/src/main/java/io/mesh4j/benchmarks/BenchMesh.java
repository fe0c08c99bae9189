package io.mesh4j.benchmarks;

import io.mesh4j.MeshClient;
import java.util.Map;
import java.util.Properties;

/** MeshClients for benchmarks: configured in code only, blind to this machine's env and -D flags. */
final class BenchMesh {

  /** The logical service every benchmark calls: {@code http://orders/}. */
  static final String SERVICE = "orders";

  private BenchMesh() {}

  /**
   * @param endpoints comma-separated {@code host:port} specs
   * @param lb a policy name, e.g. {@code peak-ewma}
   * @param extra further service keys relative to {@code mesh.services.orders.}, e.g. {@code timeout}
   */
  static MeshClient client(String endpoints, String lb, Map<String, String> extra) {
    return builder(endpoints, lb, extra).build();
  }

  /**
   * As {@link #client}, unbuilt, for benchmarks that add modules or keys. mesh-tracing is on this
   * classpath (for TracingOverheadBenchmark) and would add its stages through ServiceLoader, with
   * the global (no-op) OpenTelemetry: {@code mesh.tracing.enabled=false} keeps it out of the
   * pipeline (its module then contributes no stage, interceptor or gauge), so the other benchmarks
   * measure mesh-core's pipeline alone. mesh-resilience is on this classpath too (for the
   * LbQualitySuite and RetryOverheadBenchmark): {@link AbsentModule#resilience()} keeps its stages
   * out; a benchmark that wants it adds {@code new ResilienceModule()}, which replaces that in turn.
   */
  static MeshClient.Builder builder(String endpoints, String lb, Map<String, String> extra) {
    MeshClient.Builder b =
        MeshClient.builder()
            .service("bench")
            .environment(Map.of())
            .systemProperties(new Properties())
            // mesh-tls is on this classpath (for HandshakeBenchmark); the HTTP benchmarks measure
            // the plaintext pipeline, and must not create a dev CA in the working directory
            .property("mesh.tls.mode", "disabled")
            .property("mesh.tracing.enabled", "false")
            .module(AbsentModule.resilience())
            .property(key("endpoints"), endpoints)
            .property(key("lb"), lb);
    extra.forEach((k, v) -> b.property(key(k), v));
    return b;
  }

  /** One request; fails the benchmark on anything but 200. Returns the body length (a JMH sink). */
  static int call(okhttp3.OkHttpClient client, okhttp3.Request request) throws java.io.IOException {
    try (okhttp3.Response response = client.newCall(request).execute()) {
      if (response.code() != 200) {
        throw new java.io.IOException("unexpected " + response.code());
      }
      return response.body().bytes().length;
    }
  }

  /** Stops a plain OkHttpClient's dispatcher threads and pooled connections. */
  static void shutdown(okhttp3.OkHttpClient client) {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  /** Scores that include connection setup are not comparable: fail when keep-alive did not hold. */
  static void checkKeepAlive(int connections, int max, String what) {
    if (connections > max) {
      throw new IllegalStateException(connections + " connections for " + what + ": keep-alive failed");
    }
  }

  private static String key(String suffix) {
    return "mesh.services." + SERVICE + "." + suffix;
  }
}
