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
    MeshClient.Builder b =
        MeshClient.builder()
            .service("bench")
            .environment(Map.of())
            .systemProperties(new Properties())
            // mesh-tls is on this classpath (for HandshakeBenchmark); the HTTP benchmarks measure
            // the plaintext pipeline, and must not create a dev CA in the working directory
            .property("mesh.tls.mode", "disabled")
            .property(key("endpoints"), endpoints)
            .property(key("lb"), lb);
    extra.forEach((k, v) -> b.property(key(k), v));
    return b.build();
  }

  private static String key(String suffix) {
    return "mesh.services." + SERVICE + "." + suffix;
  }
}
