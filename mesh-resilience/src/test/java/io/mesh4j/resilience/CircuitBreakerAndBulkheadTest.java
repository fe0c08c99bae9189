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
import java.io.IOException;
import java.time.Duration;
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

  private final EventRecorder recorder = new EventRecorder();
  private final ResilienceModule module = new ResilienceModule().addListener(recorder);

  @Test
  void theCircuitOpensOnFailuresFailsFastAndClosesAfterRecovery() throws Exception {
    AtomicBoolean failing = new AtomicBoolean(true);
    try (MockWebServer backend = server(r -> status(failing.get() ? 500 : 200));
        MeshClient mesh =
            TestMeshes.builder(module)
                .property("mesh.services.orders.endpoints", endpoints(backend))
                .property("mesh.services.orders.retry.max-attempts", "1")
                .property("mesh.services.orders.outlier-detection.enabled", "false")
                .property("mesh.services.orders.circuit-breaker.sliding-window-size", "4")
                .property("mesh.services.orders.circuit-breaker.minimum-calls", "4")
                .property("mesh.services.orders.circuit-breaker.open-duration", "300ms")
                .property("mesh.services.orders.circuit-breaker.half-open-calls", "1")
                .build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (int i = 0; i < 4; i++) {
        try (Response r = http.newCall(get("http://orders/x")).execute()) {
          assertThat(r.code()).isEqualTo(500);
        }
      }
      assertThat(module.snapshot("orders").orElseThrow().circuitState()).isEqualTo(CircuitState.OPEN);
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
      assertThat(module.snapshot("orders").orElseThrow().circuitState()).isEqualTo(CircuitState.CLOSED);
      assertThat(recorder.details(ResilienceEvent.Type.CIRCUIT_STATE_CHANGED))
          .containsExactly("CLOSED -> OPEN", "OPEN -> HALF_OPEN", "HALF_OPEN -> CLOSED");
      assertThat(recorder.of(ResilienceEvent.Type.CIRCUIT_STATE_CHANGED))
          .extracting(ResilienceEvent::from, ResilienceEvent::to)
          .containsExactly(
              tuple(CircuitState.CLOSED, CircuitState.OPEN),
              tuple(CircuitState.OPEN, CircuitState.HALF_OPEN),
              tuple(CircuitState.HALF_OPEN, CircuitState.CLOSED));
      assertThat(recorder.of(ResilienceEvent.Type.CIRCUIT_REJECTED)).first()
          .extracting(ResilienceEvent::to).isEqualTo(CircuitState.OPEN);
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
            TestMeshes.builder(module)
                .property("mesh.services.orders.endpoints", endpoints(backend))
                .property("mesh.services.orders.bulkhead.max-concurrent-requests", "1")
                .build()) {
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
      assertThat(recorder.count(ResilienceEvent.Type.BULKHEAD_FULL)).isEqualTo(1);
      release.countDown();
      assertThat(firstDone.await(5, TimeUnit.SECONDS)).isTrue();
      try (Response r = http.newCall(get("http://orders/x")).execute()) {
        assertThat(r.code()).as("the slot is free once the first body is closed").isEqualTo(200);
      }
      assertThat(backend.getRequestCount()).isEqualTo(2);
    }
  }
}
