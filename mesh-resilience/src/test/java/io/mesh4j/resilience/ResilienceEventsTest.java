package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.apply;
import static io.mesh4j.resilience.TestMeshes.endpoints;
import static io.mesh4j.resilience.TestMeshes.get;
import static io.mesh4j.resilience.TestMeshes.server;
import static io.mesh4j.resilience.TestMeshes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.event.CircuitRejected;
import io.mesh4j.event.CircuitState;
import io.mesh4j.event.CircuitStateChanged;
import io.mesh4j.event.MeshEvent;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.event.RetryDenied;
import io.mesh4j.event.RetryScheduled;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Resilience events are core records on the client's bus: {@code mesh.events()}. */
@Timeout(20)
class ResilienceEventsTest {

  @Test
  void eventsArriveAsCoreRecordsAndALateSubscriberGetsTheCurrentCircuitState() throws Exception {
    try (MockWebServer backend = server(r -> status(503))) {
      Map<String, String> config = Map.of(
          "mesh.services.orders.endpoints", endpoints(backend),
          "mesh.services.orders.retry.backoff.base", "0ms",
          "mesh.services.orders.retry.budget.ratio", "0",
          "mesh.services.orders.retry.budget.min-per-second", "0",
          "mesh.services.orders.outlier-detection.enabled", "false",
          "mesh.services.orders.circuit-breaker.sliding-window-size", "2",
          "mesh.services.orders.circuit-breaker.minimum-calls", "2",
          "mesh.services.orders.circuit-breaker.open-duration", "30s",
          "mesh.services.inventory.endpoints", endpoints(backend));
      try (MeshClient mesh = TestMeshes.start(config)) {
        List<CircuitStateChanged> typed = new CopyOnWriteArrayList<>();
        mesh.events().subscribe(CircuitStateChanged.class, typed::add);
        EventRecorder all = EventRecorder.on(mesh);
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        for (int i = 0; i < 2; i++) {
          try (Response r = http.newCall(get("http://orders/x")).execute()) {
            assertThat(r.code()).isEqualTo(503);
          }
        }
        assertThatThrownBy(() -> http.newCall(get("http://orders/x")).execute())
            .isInstanceOf(CircuitBreakerOpenException.class);

        assertThat(all.of(RetryDenied.class))
            .as("a budget of nothing: each 503 would be retried but is not")
            .containsExactly(new RetryDenied("orders", "HTTP 503"), new RetryDenied("orders", "HTTP 503"));
        assertThat(all.count(RetryScheduled.class)).isZero();
        CircuitStateChanged opened = new CircuitStateChanged("orders", CircuitState.CLOSED, CircuitState.OPEN);
        assertThat(typed).containsExactly(opened);
        assertThat(all.of(CircuitRejected.class)).containsExactly(new CircuitRejected("orders", CircuitState.OPEN));

        List<MeshEvent> late = new CopyOnWriteArrayList<>();
        MeshEvents.Subscription subscription = mesh.events().subscribe(late::add);
        assertThat(late).as("replayed at once on subscribing").containsExactly(opened);
        subscription.close();

        apply(mesh, Map.of("mesh.services.inventory.endpoints", endpoints(backend)));
        List<CircuitStateChanged> afterRemoval = new CopyOnWriteArrayList<>();
        mesh.events().subscribe(CircuitStateChanged.class, afterRemoval::add).close();
        assertThat(afterRemoval).as("a removed service has no circuit state").isEmpty();
      }
    }
  }

  @Test
  void switchingTheBreakerOffAndOnIsACircuitStateChange() throws Exception {
    try (MockWebServer backend = server(r -> status(200))) {
      Map<String, String> on = Map.of("mesh.services.orders.endpoints", endpoints(backend));
      try (MeshClient mesh = TestMeshes.start(on)) {
        EventRecorder recorder = EventRecorder.on(mesh);
        apply(mesh, TestMeshes.with(on, "mesh.services.orders.circuit-breaker.enabled", "false"));
        assertThat(TestMeshes.snapshot(mesh, "orders").circuitState()).isEqualTo(CircuitState.DISABLED);
        apply(mesh, on);
        assertThat(TestMeshes.snapshot(mesh, "orders").circuitState()).isEqualTo(CircuitState.CLOSED);
        assertThat(recorder.of(CircuitStateChanged.class))
            .containsExactly(
                new CircuitStateChanged("orders", CircuitState.CLOSED, CircuitState.DISABLED),
                new CircuitStateChanged("orders", CircuitState.DISABLED, CircuitState.CLOSED));
        try (Response r = mesh.wrap(new OkHttpClient()).newCall(get("http://orders/x")).execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
      }
    }
  }
}
