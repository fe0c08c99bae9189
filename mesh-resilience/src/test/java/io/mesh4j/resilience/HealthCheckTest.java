package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.endpoints;
import static io.mesh4j.resilience.TestMeshes.get;
import static io.mesh4j.resilience.TestMeshes.server;
import static io.mesh4j.resilience.TestMeshes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.testing.LeakCheck;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class HealthCheckTest {

  private final EventRecorder recorder = new EventRecorder();
  private final ResilienceModule module = new ResilienceModule().addListener(recorder);

  @Test
  void aFailingHealthCheckTakesAnEndpointOutAndAPassingOneBringsItBack() throws Exception {
    AtomicBoolean bHealthy = new AtomicBoolean(true);
    LeakCheck leaks = LeakCheck.snapshot();
    try (MockWebServer a = server(r -> status(200));
        MockWebServer b =
            server(r -> r.getUrl().encodedPath().equals("/healthz") ? status(bHealthy.get() ? 200 : 503) : status(200))) {
      try (MeshClient mesh =
          TestMeshes.builder(module)
              .property("mesh.services.orders.endpoints", endpoints(a, b))
              .property("mesh.services.orders.lb", "round-robin")
              .property("mesh.services.orders.health-check.path", "/healthz")
              .property("mesh.services.orders.health-check.interval", "50ms")
              .property("mesh.services.orders.health-check.timeout", "40ms")
              .property("mesh.services.orders.health-check.healthy-threshold", "2")
              .property("mesh.services.orders.health-check.unhealthy-threshold", "2")
              .property("mesh.services.orders.outlier-detection.panic-threshold", "0")
              .build()) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        Endpoint bEndpoint = Endpoint.of("127.0.0.1", b.getPort());
        await().atMost(Duration.ofSeconds(2)).until(() -> b.getRequestCount() >= 2); // probes run

        bHealthy.set(false);
        await().atMost(Duration.ofSeconds(3)).until(() -> recorder.count(ResilienceEvent.Type.ENDPOINT_UNHEALTHY) == 1);
        assertThat(module.snapshot("orders").orElseThrow().unhealthy()).containsExactly(bEndpoint);
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
          long before = b.getRequestCount();
          for (int i = 0; i < 4; i++) {
            try (Response r = http.newCall(get("http://orders/work")).execute()) {
              assertThat(r.code()).isEqualTo(200);
            }
          }
          // only probes reach b now, and at most a couple of them ran meanwhile
          assertThat(b.getRequestCount() - before).isLessThan(4);
        });

        bHealthy.set(true);
        await().atMost(Duration.ofSeconds(3)).until(() -> recorder.count(ResilienceEvent.Type.ENDPOINT_HEALTHY) == 1);
        assertThat(module.snapshot("orders").orElseThrow().unhealthy()).isEmpty();
        assertThat(LeakCheck.meshThreads()).anyMatch(t -> t.getName().startsWith("mesh4j-health-check"));
      }
      leaks.assertNoNewMeshThreads(); // health-check dispatcher threads included
    }
  }
}
