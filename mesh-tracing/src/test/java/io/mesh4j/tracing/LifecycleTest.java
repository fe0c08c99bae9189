package io.mesh4j.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.testing.LeakCheck;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.Properties;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LifecycleTest {

  private final TelemetryFixture telemetry = new TelemetryFixture();
  private final MockWebServer backend = new MockWebServer();

  @BeforeEach
  void start() throws IOException {
    backend.start(InetAddress.getByName("127.0.0.1"), 0);
    backend.enqueue(new MockResponse.Builder().build());
  }

  @AfterEach
  void stop() {
    GlobalOpenTelemetry.resetForTest();
    backend.close();
    telemetry.close();
  }

  private void get(MeshClient mesh) throws IOException {
    mesh.wrap(new OkHttpClient()).newCall(new Request.Builder().url("http://orders/").build()).execute().close();
  }

  @Test
  void noMeshThreadSurvivesClose() throws IOException {
    LeakCheck leaks = LeakCheck.snapshot();
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + backend.getPort()).build()) {
      get(mesh);
      telemetry.metrics.collectAllMetrics();
    }
    leaks.assertNoNewMeshThreads();
  }

  @Test
  void foundOnTheClasspathItTracesWithTheGlobalOpenTelemetry() throws IOException {
    GlobalOpenTelemetry.set(telemetry.sdk);
    try (MeshClient mesh =
        MeshClient.builder()
            .service("frontend")
            .environment(Map.of())
            .systemProperties(new Properties())
            .property("mesh.services.orders.endpoints", "127.0.0.1:" + backend.getPort())
            .build()) {
      get(mesh);
    }

    assertThat(telemetry.spansOfKind(SpanKind.CLIENT)).hasSize(1);
  }

  @Test
  void anUnknownPropagatorIsAConfigurationErrorNamingTheKey() {
    assertThatThrownBy(
            () -> telemetry.mesh("127.0.0.1:" + backend.getPort()).property("mesh.tracing.propagators", "jaeger").build())
        .hasMessageContaining("mesh.tracing.propagators")
        .hasMessageContaining("jaeger");
  }
}
