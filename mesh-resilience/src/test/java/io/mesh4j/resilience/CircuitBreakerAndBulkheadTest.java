package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.endpoints;
import static io.mesh4j.resilience.TestMeshes.get;
import static io.mesh4j.resilience.TestMeshes.server;
import static io.mesh4j.resilience.TestMeshes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.NoHealthyEndpointException;
import io.mesh4j.event.BulkheadFull;
import io.mesh4j.event.CircuitRejected;
import io.mesh4j.event.CircuitState;
import io.mesh4j.event.CircuitStateChanged;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import mockwebserver3.MockWebServer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class CircuitBreakerAndBulkheadTest {

  @Test
  void theCircuitOpensOnFailuresFailsFastAndClosesAfterRecovery() throws Exception {
    AtomicBoolean failing = new AtomicBoolean(true);
    try (MockWebServer backend = server(r -> status(failing.get() ? 500 : 200));
        MeshClient mesh =
            TestMeshes.builder()
                .property("mesh.services.orders.endpoints", endpoints(backend))
                .property("mesh.services.orders.retry.max-attempts", "1")
                .property("mesh.services.orders.outlier-detection.enabled", "false")
                .property("mesh.services.orders.circuit-breaker.sliding-window-size", "4")
                .property("mesh.services.orders.circuit-breaker.minimum-calls", "4")
                .property("mesh.services.orders.circuit-breaker.open-duration", "300ms")
                .property("mesh.services.orders.circuit-breaker.half-open-calls", "1")
                .build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (int i = 0; i < 4; i++) {
        try (Response r = http.newCall(get("http://orders/x")).execute()) {
          assertThat(r.code()).isEqualTo(500);
        }
      }
      assertThat(TestMeshes.snapshot(mesh, "orders").circuitState()).isEqualTo(CircuitState.OPEN);
      assertThatThrownBy(() -> http.newCall(get("http://orders/x")).execute())
          .isInstanceOf(CircuitBreakerOpenException.class)
          .hasMessageContaining("'orders'")
          .hasMessageContaining("OPEN");
      assertThat(backend.getRequestCount()).as("an open circuit does not touch the network").isEqualTo(4);

      failing.set(false);
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> {
            try (Response r = http.newCall(get("http://orders/x")).execute()) {
              return r.code() == 200;
            } catch (CircuitBreakerOpenException stillOpen) {
              return false;
            }
          });
      assertThat(TestMeshes.snapshot(mesh, "orders").circuitState()).isEqualTo(CircuitState.CLOSED);
      assertThat(recorder.of(CircuitStateChanged.class))
          .extracting(CircuitStateChanged::service, CircuitStateChanged::from, CircuitStateChanged::to)
          .containsExactly(
              tuple("orders", CircuitState.CLOSED, CircuitState.OPEN),
              tuple("orders", CircuitState.OPEN, CircuitState.HALF_OPEN),
              tuple("orders", CircuitState.HALF_OPEN, CircuitState.CLOSED));
      assertThat(recorder.of(CircuitRejected.class)).first().isEqualTo(new CircuitRejected("orders", CircuitState.OPEN));
    }
  }

  @Test
  void requestsWithNoEndpointToGoToDoNotOpenTheCircuit() throws Exception {
    try (MockWebServer backend = server(r -> status(200));
        MeshClient mesh =
            TestMeshes.start(Map.of(
                "mesh.services.orders.discovery", "static",
                "mesh.services.orders.retry.max-attempts", "1",
                "mesh.services.orders.circuit-breaker.sliding-window-size", "4",
                "mesh.services.orders.circuit-breaker.minimum-calls", "4",
                "mesh.services.orders.circuit-breaker.open-duration", "60s"))) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (int i = 0; i < 8; i++) {
        assertThatThrownBy(() -> http.newCall(get("http://orders/x")).execute())
            .isInstanceOf(NoHealthyEndpointException.class);
      }
      assertThat(TestMeshes.snapshot(mesh, "orders").circuitState()).isEqualTo(CircuitState.CLOSED);

      // discovery finds an endpoint: the very next request goes through, not after open-duration
      TestMeshes.apply(mesh, Map.of(
          "mesh.services.orders.endpoints", endpoints(backend),
          "mesh.services.orders.retry.max-attempts", "1",
          "mesh.services.orders.circuit-breaker.sliding-window-size", "4",
          "mesh.services.orders.circuit-breaker.minimum-calls", "4",
          "mesh.services.orders.circuit-breaker.open-duration", "60s"));
      try (Response r = http.newCall(get("http://orders/x")).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      assertThat(backend.getRequestCount()).isEqualTo(1);
    }
  }

  @Test
  void aFullBulkheadRefusesTheNextRequestWithoutSendingIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch arrived = new CountDownLatch(1);
    try (MockWebServer backend =
            server(r -> {
              arrived.countDown();
              release.await(10, TimeUnit.SECONDS);
              return status(200);
            });
        MeshClient mesh =
            TestMeshes.builder()
                .property("mesh.services.orders.endpoints", endpoints(backend))
                .property("mesh.services.orders.bulkhead.max-concurrent-requests", "1")
                .build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      CountDownLatch firstDone = new CountDownLatch(1);
      http.newCall(get("http://orders/slow"))
          .enqueue(
              new Callback() {
                @Override
                public void onResponse(Call call, Response response) {
                  response.close();
                  firstDone.countDown();
                }

                @Override
                public void onFailure(Call call, IOException e) {
                  firstDone.countDown();
                }
              });
      assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> http.newCall(get("http://orders/x")).execute())
          .isInstanceOf(BulkheadFullException.class)
          .hasMessageContaining("'orders'")
          .hasMessageContaining("1 concurrent");
      assertThat(recorder.of(BulkheadFull.class)).containsExactly(new BulkheadFull("orders", 1));
      release.countDown();
      assertThat(firstDone.await(5, TimeUnit.SECONDS)).isTrue();
      try (Response r = http.newCall(get("http://orders/x")).execute()) {
        assertThat(r.code()).as("the slot is free once the first body is closed").isEqualTo(200);
      }
      assertThat(backend.getRequestCount()).isEqualTo(2);
    }
  }
}
