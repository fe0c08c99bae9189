package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.endpoints;
import static io.mesh4j.resilience.TestMeshes.get;
import static io.mesh4j.resilience.TestMeshes.server;
import static io.mesh4j.resilience.TestMeshes.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.MeshClient;
import io.mesh4j.event.RetryScheduled;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One module, several clients: each client's events go to its own bus, its state to its own extension. */
@Timeout(20)
class ResilienceExtensionTest {

  @Test
  void aClientsEventsReachItsOwnBusOnlyUntilTheSubscriptionIsClosed() throws Exception {
    ResilienceModule module = new ResilienceModule();
    try (MockWebServer backend = server(r -> status(503));
        MeshClient first = builder(module, backend).build();
        MeshClient second = builder(module, backend).build()) {
      EventRecorder recorder = EventRecorder.on(first);

      call(second);
      assertThat(recorder.events).as("the other client's retry").isEmpty();
      call(first);
      assertThat(recorder.of(RetryScheduled.class)).hasSize(1);
      assertThat(first.extension(ResilienceExtension.class).orElseThrow().snapshot("orders")).isPresent();

      recorder.stop();
      call(first);
      assertThat(recorder.of(RetryScheduled.class)).hasSize(1);
    }
  }

  @Test
  void aClosedClientsExtensionHasNoState() throws Exception {
    ResilienceModule module = new ResilienceModule();
    try (MockWebServer backend = server(r -> status(200))) {
      ResilienceExtension extension;
      try (MeshClient mesh = builder(module, backend).build()) {
        extension = mesh.extension(ResilienceExtension.class).orElseThrow();
        assertThat(extension.snapshot("orders")).isPresent();
        assertThat(extension.snapshot("inventory")).as("not a service of this client").isEmpty();
      }
      assertThat(extension.snapshot("orders")).isEmpty();
    }
  }

  private static MeshClient.Builder builder(ResilienceModule module, MockWebServer backend) {
    return TestMeshes.builder(module)
        .property("mesh.services.orders.endpoints", endpoints(backend))
        .property("mesh.services.orders.retry.backoff.base", "1ms")
        .property("mesh.services.orders.circuit-breaker.enabled", "false")
        .property("mesh.services.orders.outlier-detection.enabled", "false");
  }

  private static void call(MeshClient mesh) throws Exception {
    try (Response r = mesh.wrap(new OkHttpClient()).newCall(get("http://orders/x")).execute()) {
      assertThat(r.code()).isEqualTo(503);
    }
  }
}
