package io.mesh4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.resilience.ResilienceExtension;
import io.mesh4j.resilience.ServiceResilienceSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * mesh-resilience's active health checks probe endpoints over the same mTLS as requests (mesh-tls
 * on the classpath): a backend failing its probes stops getting traffic, the others keep theirs.
 * Were the probes sent without the workload's SVID, every backend would look unhealthy.
 */
class HealthCheckOverMutualTlsTest {

  @Test
  void probesUseMutualTlsAndSteerTrafficAwayFromAnUnhealthyBackend() throws Exception {
    try (OrdersWorkload orders = OrdersWorkload.start();
        OrdersBackend a = OrdersBackend.start("a", 0, orders.tlsServer());
        OrdersBackend b = OrdersBackend.start("b", 0, orders.tlsServer());
        OrdersBackend c = OrdersBackend.start("c", 0, orders.tlsServer());
        MeshClient mesh =
            MeshClient.builder()
                .service("frontend")
                .environment(Map.of())
                .systemProperties(new Properties())
                .property("mesh.tls.dev-ca.dir", orders.caDir().toString())
                .property("mesh.services.orders.endpoints", a.address() + "," + b.address() + "," + c.address())
                .property("mesh.services.orders.lb", "round-robin")
                .property("mesh.services.orders.health-check.path", "/healthz")
                .property("mesh.services.orders.health-check.interval", "200ms")
                .property("mesh.services.orders.health-check.timeout", "150ms")
                .property("mesh.services.orders.health-check.unhealthy-threshold", "2")
                .property("mesh.services.orders.health-check.healthy-threshold", "1")
                .property("mesh.services.orders.retry.max-attempts", "1")
                .property("mesh.services.orders.outlier-detection.enabled", "false")
                .build()) {
      ResilienceExtension resilience = mesh.extension(ResilienceExtension.class).orElseThrow();
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      List<OrdersBackend> all = List.of(a, b, c);
      // every probe so far reached its backend over mTLS and passed
      await().atMost(Duration.ofSeconds(10)).until(() -> all.stream().allMatch(x -> x.served() >= 2));
      assertThat(snapshot(resilience).unhealthy()).isEmpty();

      b.failWith(503);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> snapshot(resilience).unhealthy().stream().anyMatch(e -> e.port() == b.port()));
      assertThat(snapshot(resilience).unhealthy()).hasSize(1);
      assertThat(snapshot(resilience).panic()).isFalse();
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                for (int i = 0; i < 6; i++) {
                  try (Response r = http.newCall(new Request.Builder().url("http://orders/x").build()).execute()) {
                    assertThat(r.code()).isEqualTo(200);
                  }
                }
              });

      b.failWith(0);
      await().atMost(Duration.ofSeconds(10)).until(() -> snapshot(resilience).unhealthy().isEmpty());
    }
  }

  private static ServiceResilienceSnapshot snapshot(ResilienceExtension resilience) {
    return resilience.snapshot("orders").orElseThrow();
  }
}
