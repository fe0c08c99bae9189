package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.endpoints;
import static io.mesh4j.resilience.TestMeshes.get;
import static io.mesh4j.resilience.TestMeshes.server;
import static io.mesh4j.resilience.TestMeshes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.event.EndpointEjected;
import io.mesh4j.event.EndpointReadmitted;
import io.mesh4j.event.PanicModeChanged;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class OutlierDetectionTest {

  private static void send(OkHttpClient http, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      try (Response r = http.newCall(get("http://orders/x")).execute()) {
        r.body().string();
      }
    }
  }

  @Test
  void anEndpointThatKeepsFailingIsEjectedThenReadmittedWhenItsTimePasses() throws Exception {
    AtomicBoolean failing = new AtomicBoolean(true);
    try (MockWebServer a = server(r -> status(200));
        MockWebServer b = server(r -> status(200));
        MockWebServer sick = server(r -> status(failing.get() ? 503 : 200));
        MeshClient mesh =
            TestMeshes.builder()
                .property("mesh.services.orders.endpoints", endpoints(a, b, sick))
                .property("mesh.services.orders.lb", "round-robin")
                .property("mesh.services.orders.retry.max-attempts", "1")
                .property("mesh.services.orders.circuit-breaker.enabled", "false")
                .property("mesh.services.orders.outlier-detection.consecutive-failures", "3")
                .property("mesh.services.orders.outlier-detection.base-ejection-time", "400ms")
                .build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      Endpoint sickEndpoint = Endpoint.of("127.0.0.1", sick.getPort());
      send(http, 9); // round-robin: three to the sick one
      await().atMost(Duration.ofSeconds(2)).until(() -> recorder.count(EndpointEjected.class) == 1);
      assertThat(recorder.of(EndpointEjected.class))
          .as("base × 1")
          .containsExactly(new EndpointEjected("orders", sickEndpoint, 3, Duration.ofMillis(400)));
      assertThat(TestMeshes.snapshot(mesh, "orders").ejected()).containsExactly(sickEndpoint);

      // The ejection reaches the balancer through the scheduler: wait until nothing goes there.
      await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
        int before = sick.getRequestCount();
        send(http, 6);
        assertThat(sick.getRequestCount()).isEqualTo(before);
      });

      failing.set(false);
      await().atMost(Duration.ofSeconds(3)).until(() -> recorder.count(EndpointReadmitted.class) == 1);
      assertThat(recorder.of(EndpointReadmitted.class)).containsExactly(new EndpointReadmitted("orders", sickEndpoint));
      int before = sick.getRequestCount();
      await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
        send(http, 3);
        assertThat(sick.getRequestCount()).isGreaterThan(before);
      });
      assertThat(recorder.count(PanicModeChanged.class)).isZero();
    }
  }

  @Test
  void whenEveryEndpointIsEjectedPanicModeStillSendsRequests() throws Exception {
    try (MockWebServer a = server(r -> status(503));
        MockWebServer b = server(r -> status(503));
        MeshClient mesh =
            TestMeshes.builder()
                .property("mesh.services.orders.endpoints", endpoints(a, b))
                .property("mesh.services.orders.lb", "round-robin")
                .property("mesh.services.orders.retry.max-attempts", "1")
                .property("mesh.services.orders.circuit-breaker.enabled", "false")
                .property("mesh.services.orders.outlier-detection.consecutive-failures", "2")
                .property("mesh.services.orders.outlier-detection.max-ejection-percent", "100")
                .build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      send(http, 4);
      await().atMost(Duration.ofSeconds(2)).until(() -> recorder.count(PanicModeChanged.class) == 1);
      assertThat(recorder.of(PanicModeChanged.class)).containsExactly(new PanicModeChanged("orders", true, 0, 2));
      assertThat(recorder.count(EndpointEjected.class)).isEqualTo(2);
      assertThat(TestMeshes.snapshot(mesh, "orders").panic()).isTrue();
      int before = a.getRequestCount() + b.getRequestCount();
      send(http, 4); // no NoHealthyEndpointException: panic balances over all endpoints
      assertThat(a.getRequestCount() + b.getRequestCount()).isEqualTo(before + 4);
      assertThat(recorder.count(PanicModeChanged.class)).as("published once per transition").isEqualTo(1);
    }
  }
}
