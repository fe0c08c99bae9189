package io.mesh4j.tracing;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.resilience.CircuitBreakerOpenException;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.io.IOException;
import java.net.InetAddress;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * mesh-resilience found on the classpath (ServiceLoader), as in an application: tracing records its
 * events without anything wired by hand.
 */
@Tag("with-optional-modules")
class ResilienceWiringTest {

  private static final Attributes ORDERS = Attributes.of(MeshAttributes.SERVICE, "orders");

  private final TelemetryFixture telemetry = new TelemetryFixture();
  private final MockWebServer backend = new MockWebServer();

  @BeforeEach
  void start() throws IOException {
    backend.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    backend.close();
    telemetry.close();
  }

  /** Plain http (mesh-tls is on the classpath too), quick retries, no ejections. */
  private MeshClient.Builder mesh() {
    return telemetry
        .mesh("127.0.0.1:" + backend.getPort())
        .property("mesh.tls.mode", "disabled")
        .property("mesh.services.orders.retry.backoff.base", "1ms")
        .property("mesh.services.orders.outlier-detection.enabled", "false");
  }

  private static int get(OkHttpClient http) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
      return r.code();
    }
  }

  @Test
  void aRetryIsCounted() throws IOException {
    backend.enqueue(new MockResponse.Builder().code(503).build());
    backend.enqueue(new MockResponse.Builder().build());
    try (MeshClient mesh = mesh().build()) {
      assertThat(get(mesh.wrap(new OkHttpClient()))).isEqualTo(200);

      assertThat(telemetry.metric("mesh.client.retries"))
          .hasUnit("{retry}")
          .hasLongSumSatisfying(s -> s.isMonotonic().hasPointsSatisfying(p -> p.hasValue(1).hasAttributes(ORDERS)));
      assertThat(telemetry.metrics.collectAllMetrics())
          .as("mesh.tls.mode=disabled: no SVID to report")
          .noneMatch(m -> m.getName().startsWith("mesh.tls"));
    }
  }

  @Test
  void anOpenCircuitIsTheGaugedStateAndItsRejectionsAreCountedAndOnTheSpan() throws IOException {
    backend.setDispatcher(
        new mockwebserver3.Dispatcher() {
          @Override
          public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
            return new MockResponse.Builder().code(500).build();
          }
        });
    try (MeshClient mesh =
        mesh()
            .property("mesh.services.orders.retry.max-attempts", "1")
            .property("mesh.services.orders.circuit-breaker.sliding-window-size", "2")
            .property("mesh.services.orders.circuit-breaker.minimum-calls", "2")
            .build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      get(http);
      get(http); // two failures of two: open
      assertThatThrownBy(() -> get(http)).isInstanceOf(CircuitBreakerOpenException.class);

      assertThat(telemetry.metric("mesh.circuit_breaker.state"))
          .hasLongGaugeSatisfying(
              g ->
                  g.hasPointsSatisfying(
                      p -> p.hasValue(0).hasAttributes(circuit("closed")),
                      p -> p.hasValue(1).hasAttributes(circuit("open")),
                      p -> p.hasValue(0).hasAttributes(circuit("half_open")),
                      p -> p.hasValue(0).hasAttributes(circuit("disabled"))));
      assertThat(telemetry.metric("mesh.circuit_breaker.rejections"))
          .hasLongSumSatisfying(s -> s.hasPointsSatisfying(p -> p.hasValue(1).hasAttributes(ORDERS)));
    }
    assertThat(telemetry.spansOfKind(SpanKind.INTERNAL))
        .filteredOn(s -> s.getAttributes().get(MeshAttributes.CIRCUIT_STATE) != null)
        .singleElement()
        .satisfies(s -> assertThat(s).hasAttribute(MeshAttributes.CIRCUIT_STATE, "open"));
  }

  @Test
  void closingTheClientUnregistersTheCircuitGauge() throws IOException {
    backend.enqueue(new MockResponse.Builder().code(500).build());
    backend.enqueue(new MockResponse.Builder().code(500).build());
    try (MeshClient mesh =
        mesh()
            .property("mesh.services.orders.retry.max-attempts", "1")
            .property("mesh.services.orders.circuit-breaker.sliding-window-size", "2")
            .property("mesh.services.orders.circuit-breaker.minimum-calls", "2")
            .build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      get(http);
      get(http);
      assertThat(telemetry.metric("mesh.circuit_breaker.state")).isNotNull();
    }
    assertThat(telemetry.metrics.collectAllMetrics())
        .extracting(MetricData::getName)
        .doesNotContain("mesh.circuit_breaker.state");
  }

  private static Attributes circuit(String state) {
    return Attributes.of(MeshAttributes.SERVICE, "orders", MeshAttributes.CIRCUIT_STATE, state);
  }
}
