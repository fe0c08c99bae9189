package io.mesh4j.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.mesh4j.MeshClient;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** A real hop: the backend, a JDK HttpServer with the TracingFilter, continues the client's trace. */
class CrossHopTraceTest {

  private final TelemetryFixture telemetry = new TelemetryFixture();
  private final AtomicReference<String> handlerSpanId = new AtomicReference<>();
  private final AtomicReference<String> handlerMdcTraceId = new AtomicReference<>();
  private HttpServer server;

  @BeforeEach
  void startBackend() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server
        .createContext(
            "/",
            exchange -> {
              handlerSpanId.set(Span.current().getSpanContext().getSpanId());
              handlerMdcTraceId.set(MDC.get(MdcKeys.TRACE_ID));
              exchange.sendResponseHeaders(204, -1);
              exchange.close();
            })
        .getFilters()
        .add(MeshTracing.serverFilter(telemetry.sdk));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    telemetry.close();
  }

  @Test
  void backendServerSpanIsAChildOfTheAttemptClientSpanInTheSameTrace() throws Exception {
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + server.getAddress().getPort()).build()) {
      mesh.wrap(new OkHttpClient()).newCall(new Request.Builder().url("http://orders/items").build()).execute().close();
    }

    SpanData client = telemetry.onlySpanOfKind(SpanKind.CLIENT);
    // the backend ends its span after the response is on the wire, so it may lag the client
    SpanData serverSpan =
        await().atMost(Duration.ofSeconds(5)).until(() -> telemetry.spansOfKind(SpanKind.SERVER), s -> s.size() == 1).get(0);
    assertThat(serverSpan.getTraceId()).isEqualTo(client.getTraceId());
    assertThat(serverSpan.getParentSpanId()).isEqualTo(client.getSpanId());
    assertThat(serverSpan.getParentSpanContext().isRemote()).isTrue();
    assertThat(serverSpan.getName()).isEqualTo("GET");
    assertThat(serverSpan.getAttributes().asMap())
        .containsEntry(io.mesh4j.tracing.internal.HttpSemconv.URL_PATH, "/items")
        .containsEntry(io.mesh4j.tracing.internal.HttpSemconv.SERVER_ADDRESS, "orders")
        .containsEntry(io.mesh4j.tracing.internal.HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 204L);
    assertThat(handlerSpanId.get()).isEqualTo(serverSpan.getSpanId());
    assertThat(handlerMdcTraceId.get()).isEqualTo(client.getTraceId());
  }

  @Test
  void serverSpanRedactsSigningQueryParametersLikeTheClientSpans() throws Exception {
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + server.getAddress().getPort()).build()) {
      mesh.wrap(new OkHttpClient())
          .newCall(new Request.Builder().url("http://orders/items?sig=secret&x=1").build())
          .execute()
          .close();
    }
    SpanData serverSpan =
        await().atMost(Duration.ofSeconds(5)).until(() -> telemetry.spansOfKind(SpanKind.SERVER), s -> s.size() == 1).get(0);
    assertThat(serverSpan.getAttributes().get(io.mesh4j.tracing.internal.HttpSemconv.URL_QUERY))
        .isEqualTo("sig=REDACTED&x=1");
    assertThat(telemetry.onlySpanOfKind(SpanKind.CLIENT).getAttributes().get(io.mesh4j.tracing.internal.HttpSemconv.URL_FULL))
        .doesNotContain("secret");
  }
}
