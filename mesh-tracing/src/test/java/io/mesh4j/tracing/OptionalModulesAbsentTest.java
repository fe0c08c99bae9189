package io.mesh4j.tracing;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.opentelemetry.api.trace.SpanKind;
import java.io.IOException;
import java.net.InetAddress;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

/**
 * This execution keeps mesh-resilience and mesh-tls off the classpath (see the pom): tracing still
 * starts, wires nothing and records its own spans and metrics. Every other test of this execution
 * runs that way too; this one says so.
 */
class OptionalModulesAbsentTest {

  @Test
  void tracingRunsWithoutItsOptionalModules() throws IOException {
    assertThatThrownBy(() -> Class.forName("io.mesh4j.resilience.ResilienceExtension"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("io.mesh4j.tls.MeshTlsExtension"))
        .isInstanceOf(ClassNotFoundException.class);

    try (TelemetryFixture telemetry = new TelemetryFixture();
        MockWebServer backend = new MockWebServer()) {
      backend.start(InetAddress.getByName("127.0.0.1"), 0);
      backend.enqueue(new MockResponse.Builder().code(500).build());
      try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + backend.getPort()).build()) {
        mesh.wrap(new OkHttpClient()).newCall(new Request.Builder().url("http://orders/").build()).execute().close();
        assertThat(telemetry.metric("mesh.client.request.duration")).isNotNull();
        assertThat(telemetry.metrics.collectAllMetrics())
            .noneMatch(m -> m.getName().startsWith("mesh.circuit_breaker") || m.getName().startsWith("mesh.tls"));
      }
      assertThat(telemetry.onlySpanOfKind(SpanKind.INTERNAL).getAttributes().get(MeshAttributes.CIRCUIT_STATE)).isNull();
    }
  }
}
