package io.mesh4j.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.MeshClient;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.Properties;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PropagationTest {

  private static final String TRACEPARENT = "00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}";

  private final TelemetryFixture telemetry = new TelemetryFixture();
  private final MockWebServer backend = new MockWebServer();

  @BeforeEach
  void start() throws IOException {
    backend.start(InetAddress.getByName("127.0.0.1"), 0);
    backend.enqueue(new MockResponse.Builder().build());
  }

  @AfterEach
  void stop() {
    backend.close();
    telemetry.close();
  }

  private RecordedRequest send(MeshClient mesh) throws Exception {
    mesh.wrap(new OkHttpClient()).newCall(new Request.Builder().url("http://orders/").build()).execute().close();
    return backend.takeRequest();
  }

  @Test
  void everyAttemptCarriesAW3cTraceparentNamingItsClientSpan() throws Exception {
    RecordedRequest received;
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + backend.getPort()).build()) {
      received = send(mesh);
    }

    SpanData attempt = telemetry.onlySpanOfKind(SpanKind.CLIENT);
    String traceparent = received.getHeaders().get("traceparent");
    assertThat(traceparent).matches(TRACEPARENT);
    assertThat(traceparent)
        .isEqualTo("00-" + attempt.getTraceId() + "-" + attempt.getSpanId() + "-" + attempt.getSpanContext().getTraceFlags().asHex());
  }

  @Test
  void callersBaggageIsPropagated() throws Exception {
    RecordedRequest received;
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + backend.getPort()).build();
        Scope scope = Baggage.builder().put("tenant", "acme").build().makeCurrent()) {
      received = send(mesh);
    }

    assertThat(received.getHeaders().get("baggage")).isEqualTo("tenant=acme");
  }

  @Test
  void withoutAnSdkNoTraceparentIsSentEvenWhenPropagatorsAreConfigured() throws Exception {
    RecordedRequest received;
    try (MeshClient mesh =
        MeshClient.builder()
            .service("frontend")
            .environment(Map.of())
            .systemProperties(new Properties())
            .module(MeshTracing.module(OpenTelemetry.noop()))
            .property("mesh.tracing.propagators", "tracecontext,baggage")
            .property("mesh.services.orders.endpoints", "127.0.0.1:" + backend.getPort())
            .build()) {
      received = send(mesh);
    }

    assertThat(received.getHeaders().get("traceparent")).isNull();
    assertThat(received.getHeaders().get("tracestate")).isNull();
  }

  @Test
  void withoutAnSdkTheCallersSpanContextAndBaggageArePassedOnUnchanged() throws Exception {
    SpanContext caller =
        SpanContext.createFromRemoteParent(
            "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.getDefault());
    RecordedRequest received;
    try (MeshClient mesh =
            MeshClient.builder()
                .service("frontend")
                .environment(Map.of())
                .systemProperties(new Properties())
                .module(MeshTracing.module(OpenTelemetry.noop()))
                .property("mesh.tracing.propagators", "tracecontext,baggage")
                .property("mesh.services.orders.endpoints", "127.0.0.1:" + backend.getPort())
                .build();
        Scope span = Context.current().with(Span.wrap(caller)).makeCurrent();
        Scope baggage = Baggage.builder().put("tenant", "acme").build().makeCurrent()) {
      received = send(mesh);
    }

    // the no-op tracer's spans are the caller's context: what is sent is the caller's span
    assertThat(received.getHeaders().get("traceparent"))
        .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    assertThat(received.getHeaders().get("baggage")).isEqualTo("tenant=acme");
  }

  @Test
  void configuredPropagatorsReplaceTheSdks() throws Exception {
    RecordedRequest received;
    try (MeshClient mesh =
        telemetry.mesh("127.0.0.1:" + backend.getPort()).property("mesh.tracing.propagators", "b3multi").build()) {
      received = send(mesh);
    }

    SpanData attempt = telemetry.onlySpanOfKind(SpanKind.CLIENT);
    assertThat(received.getHeaders().get("traceparent")).isNull();
    assertThat(received.getHeaders().get("X-B3-TraceId")).isEqualTo(attempt.getTraceId());
    assertThat(received.getHeaders().get("X-B3-SpanId")).isEqualTo(attempt.getSpanId());
  }
}
