package io.mesh4j.samples;

import com.sun.net.httpserver.HttpServer;
import io.mesh4j.MeshClient;
import io.mesh4j.tracing.MeshTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.logging.LoggingMetricExporter;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One trace across client and backends: two "orders" backends (JDK HttpServer with mesh4j's
 * TracingFilter) continue the caller's trace in SERVER spans; the first fails its first request
 * with 503, mesh-resilience retries on the other backend, and the printed spans show the logical
 * request, one CLIENT span per attempt (the retry with http.request.resend_count=1) and the
 * backends' SERVER spans, all with one trace id. Metrics are printed at the end, mesh-resilience's
 * (mesh.client.retries, mesh.circuit_breaker.state) among them: mesh-tracing records them by itself
 * when mesh-resilience is on the classpath.
 */
public final class TracingDemo {

  public static void main(String[] args) throws Exception {
    try (OpenTelemetrySdk otel = sdk()) {
      AtomicBoolean failOnce = new AtomicBoolean(true);
      HttpServer flaky = backend(otel, "orders-a", failOnce);
      HttpServer healthy = backend(otel, "orders-b", new AtomicBoolean(false));
      try (MeshClient mesh =
          MeshClient.builder()
              .service("frontend")
              .module(MeshTracing.module(otel))
              .property("mesh.tls.mode", "disabled") // plain HTTP keeps the demo about tracing
              .property("mesh.services.orders.lb", "round-robin")
              .property(
                  "mesh.services.orders.endpoints",
                  "127.0.0.1:" + flaky.getAddress().getPort() + ",127.0.0.1:" + healthy.getAddress().getPort())
              .build()) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        for (int i = 1; i <= 3; i++) {
          try (Response r = http.newCall(new Request.Builder().url("http://orders/items/" + i).build()).execute()) {
            System.out.println("request " + i + " -> " + r.code() + " " + r.body().string());
          }
        }
        otel.getSdkMeterProvider().forceFlush(); // while the mesh runs: its gauges go with it
      } finally {
        flaky.stop(0);
        healthy.stop(0);
      }
    }
  }

  private static OpenTelemetrySdk sdk() {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(LoggingSpanExporter.create()))
                .build())
        .setMeterProvider(
            SdkMeterProvider.builder()
                .registerMetricReader(
                    PeriodicMetricReader.builder(LoggingMetricExporter.create()).setInterval(Duration.ofHours(1)).build())
                .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  private static HttpServer backend(OpenTelemetrySdk otel, String name, AtomicBoolean failOnce) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server
        .createContext(
            "/",
            exchange -> {
              byte[] body = (name + " trace " + Span.current().getSpanContext().getTraceId()).getBytes();
              int status = failOnce.getAndSet(false) ? 503 : 200;
              exchange.sendResponseHeaders(status, body.length);
              exchange.getResponseBody().write(body);
              exchange.close();
            })
        .getFilters()
        .add(MeshTracing.serverFilter(otel));
    server.start();
    return server;
  }
}
