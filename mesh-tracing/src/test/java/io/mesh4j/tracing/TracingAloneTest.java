package io.mesh4j.tracing;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.spi.MeshModule;
import io.opentelemetry.api.trace.SpanKind;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ServiceLoader;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

/**
 * mesh-tracing depends on mesh-core only: with no other module on the classpath (none is, in any
 * scope) it starts, traces and records its own metrics, and simply has no events of others to
 * record.
 */
class TracingAloneTest {

  @Test
  void noOtherMeshModuleIsOnTheClasspath() {
    assertThatThrownBy(() -> Class.forName("io.mesh4j.resilience.ResilienceModule"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("io.mesh4j.tls.TlsModule"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThat(ServiceLoader.load(MeshModule.class).stream().map(p -> p.type().getName()))
        .containsExactly(TracingModule.class.getName());
  }

  @Test
  void tracingRunsOnItsOwn() throws IOException {
    try (TelemetryFixture telemetry = new TelemetryFixture();
        MockWebServer backend = new MockWebServer()) {
      backend.start(InetAddress.getByName("127.0.0.1"), 0);
      backend.enqueue(new MockResponse.Builder().code(500).build());
      try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + backend.getPort()).build()) {
        mesh.wrap(new OkHttpClient()).newCall(new Request.Builder().url("http://orders/").build()).execute().close();

        assertThat(telemetry.metric("mesh.client.request.duration")).isNotNull();
        assertThat(telemetry.metrics.collectAllMetrics())
            .noneMatch(
                m ->
                    m.getName().startsWith("mesh.circuit_breaker")
                        || m.getName().startsWith("mesh.tls")
                        || m.getName().equals("mesh.client.retries"));
      }
      assertThat(telemetry.onlySpanOfKind(SpanKind.INTERNAL).getAttributes().get(MeshAttributes.CIRCUIT_STATE)).isNull();
      assertThat(telemetry.onlySpanOfKind(SpanKind.CLIENT)).hasAttribute(MeshAttributes.SERVICE, "orders");
    }
  }
}
