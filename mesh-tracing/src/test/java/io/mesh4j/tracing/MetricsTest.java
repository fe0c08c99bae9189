package io.mesh4j.tracing;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;

import io.mesh4j.MeshClient;
import io.mesh4j.tracing.internal.HttpSemconv;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsTest {

  private static final List<Double> SEMCONV_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

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

  private void get(MeshClient mesh) throws IOException {
    mesh.wrap(new OkHttpClient()).newCall(new Request.Builder().url("http://orders/").build()).execute().close();
  }

  @Test
  void attemptDurationsAreSemconvHttpClientHistogramsInSecondsPerStatusAndEndpoint() throws IOException {
    backend.enqueue(new MockResponse.Builder().code(503).build());
    backend.enqueue(new MockResponse.Builder().build());
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + backend.getPort()).module(new RetryOnceModule()).build()) {
      get(mesh);

      MetricData duration = telemetry.metric("http.client.request.duration");
      assertThat(duration).hasUnit("s");
      Attributes common =
          Attributes.builder()
              .put(HttpSemconv.HTTP_REQUEST_METHOD, "GET")
              .put(HttpSemconv.URL_SCHEME, "http")
              .put(HttpSemconv.SERVER_ADDRESS, "127.0.0.1")
              .put(HttpSemconv.SERVER_PORT, (long) backend.getPort())
              .put(MeshAttributes.SERVICE, "orders")
              .build();
      assertThat(duration)
          .hasHistogramSatisfying(
              h ->
                  h.hasPointsSatisfying(
                      p ->
                          p.hasCount(1)
                              .hasBucketBoundaries(SEMCONV_BUCKETS.stream().mapToDouble(d -> d).toArray())
                              .hasAttributes(
                                  common.toBuilder()
                                      .put(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 503L)
                                      .put(HttpSemconv.ERROR_TYPE, "503")
                                      .build()),
                      p ->
                          p.hasCount(1)
                              .hasAttributes(
                                  common.toBuilder().put(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 200L).build())));
    }
  }

  @Test
  void logicalRequestsAreMeasuredPerServiceWithTheirResends() throws IOException {
    backend.enqueue(new MockResponse.Builder().code(503).build());
    backend.enqueue(new MockResponse.Builder().build());
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + backend.getPort()).module(new RetryOnceModule()).build()) {
      get(mesh);

      assertThat(telemetry.metric("mesh.client.request.duration"))
          .hasUnit("s")
          .hasHistogramSatisfying(
              h ->
                  h.hasPointsSatisfying(
                      p ->
                          p.hasCount(1)
                              .hasAttributes(
                                  Attributes.builder()
                                      .put(HttpSemconv.HTTP_REQUEST_METHOD, "GET")
                                      .put(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 200L)
                                      .put(MeshAttributes.SERVICE, "orders")
                                      .build())));
      assertThat(telemetry.metric("mesh.client.request.resends"))
          .hasUnit("{request}")
          .hasLongSumSatisfying(
              s -> s.isMonotonic().hasPointsSatisfying(p -> p.hasValue(1).hasAttributes(Attributes.of(MeshAttributes.SERVICE, "orders"))));
    }
  }

  @Test
  void activeRequestsCountAttemptsInFlightAndReturnToZero() throws IOException {
    backend.enqueue(new MockResponse.Builder().build());
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + backend.getPort()).build()) {
      get(mesh);

      MetricData active = telemetry.metric("http.client.active_requests");
      assertThat(active).hasUnit("{request}");
      assertThat(active.getLongSumData().isMonotonic()).isFalse();
      assertThat(active.getLongSumData().getPoints()).extracting(LongPointData::getValue).containsExactly(0L);
    }
  }

  @Test
  void endpointAndDiscoveryGaugesDescribeEachService() throws IOException {
    backend.enqueue(new MockResponse.Builder().build());
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + backend.getPort()).build()) {
      get(mesh); // discovery has answered once a request went through

      assertThat(telemetry.metric("mesh.service.endpoints"))
          .hasUnit("{endpoint}")
          .hasLongGaugeSatisfying(
              g ->
                  g.hasPointsSatisfying(
                      p -> p.hasValue(1).hasAttributes(Attributes.of(MeshAttributes.SERVICE, "orders", MeshAttributes.ENDPOINT_STATE, "eligible")),
                      p -> p.hasValue(0).hasAttributes(Attributes.of(MeshAttributes.SERVICE, "orders", MeshAttributes.ENDPOINT_STATE, "excluded"))));
      assertThat(telemetry.metric("mesh.discovery.staleness"))
          .hasUnit("s")
          .hasDoubleGaugeSatisfying(
              g -> g.hasPointsSatisfying(p -> p.hasAttributes(Attributes.of(MeshAttributes.SERVICE, "orders"))));
      assertThat(telemetry.metric("mesh.discovery.failing"))
          .hasLongGaugeSatisfying(g -> g.hasPointsSatisfying(p -> p.hasValue(0)));
    }
  }

  @Test
  void closingTheMeshUnregistersItsGauges() throws IOException {
    backend.enqueue(new MockResponse.Builder().build());
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + backend.getPort()).build()) {
      get(mesh);
    }

    assertThat(telemetry.metrics.collectAllMetrics())
        .extracting(MetricData::getName)
        .doesNotContain("mesh.service.endpoints", "mesh.discovery.staleness", "mesh.discovery.failing");
  }

  @Test
  void metricsCanBeSwitchedOffWhileSpansStay() throws IOException {
    backend.enqueue(new MockResponse.Builder().build());
    try (MeshClient mesh =
        telemetry.mesh("127.0.0.1:" + backend.getPort()).property("mesh.tracing.metrics.enabled", "false").build()) {
      get(mesh);

      assertThat(telemetry.metrics.collectAllMetrics()).isEmpty();
      assertThat(telemetry.spans.getFinishedSpanItems()).hasSize(2);
    }
  }

}
