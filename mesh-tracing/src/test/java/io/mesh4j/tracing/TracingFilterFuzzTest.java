package io.mesh4j.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.extension.trace.propagation.JaegerPropagator;
import io.opentelemetry.extension.trace.propagation.OtTracePropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Fuzzes what mesh-tracing does with a caller's request on the server side ({@link
 * TracingFilter}): the propagation headers ({@code traceparent}, {@code tracestate}, {@code
 * baggage}, {@code b3}, {@code X-B3-*}, {@code uber-trace-id}, {@code ot-tracer-*}) extracted with
 * the application's propagators, and the request line and headers the SERVER span describes.
 *
 * <p>An input is a request head as text: {@code METHOD target}, then {@code Name: value} lines
 * (pseudo-headers {@code @status: N} and {@code @throw: io|runtime} tell the handler what to do).
 * Whatever the headers, the handler runs once inside a valid SERVER span, with the MDC and the
 * current context set and put back afterwards; a W3C traceparent that is valid by the standard is
 * continued; signing query parameters never reach the span; the handler's exception is the one
 * the caller of the filter sees.
 */
class TracingFilterFuzzTest {

  private static final Pattern TRACEPARENT_00 =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");
  private static final Set<String> SIGNING_PARAMETERS = Set.of("AWSAccessKeyId", "Signature", "sig", "X-Goog-Signature");

  /** The SDK of a W3C-only application and of one that accepts every propagation format. */
  private static final Telemetry W3C =
      new Telemetry(TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance()));
  private static final Telemetry ALL =
      new Telemetry(TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(),
          W3CBaggagePropagator.getInstance(), B3Propagator.injectingSingleHeader(), JaegerPropagator.getInstance(),
          OtTracePropagator.getInstance()));

  @FuzzTest
  void doFilter(byte[] data) throws IOException {
    Request request = Request.parse(new String(data, StandardCharsets.UTF_8));
    if (request == null) {
      return; // the JDK server answers 400 itself: the filter never sees it
    }
    for (Telemetry telemetry : List.of(W3C, ALL)) {
      SpanContext server = serve(telemetry, request);
      SpanData span = telemetry.spans.getFinishedSpanItems().stream().findFirst().orElse(null);
      if (telemetry == W3C) {
        String traceparent = request.headers.getFirst("traceparent");
        Matcher m = traceparent == null ? null : TRACEPARENT_00.matcher(traceparent);
        if (m != null && m.matches() && !m.group(1).equals("0".repeat(32)) && !m.group(2).equals("0".repeat(16))) {
          assertThat(server.getTraceId()).as("continues the caller's trace %s", traceparent).isEqualTo(m.group(1));
          if (span != null) {
            assertThat(span.getParentSpanId()).isEqualTo(m.group(2));
          }
        }
        if (traceparent == null) {
          // a new trace, sampled by the default sampler
          assertThat(span).isNotNull();
          assertThat(span.getParentSpanContext().isValid()).as("no caller context: a new trace").isFalse();
        }
      }
    }
  }

  private static SpanContext serve(Telemetry telemetry, Request request) throws IOException {
    telemetry.spans.reset();
    FakeExchange exchange = new FakeExchange(request);
    MDC.put(MdcKeys.TRACE_ID, "outer-trace");
    MDC.remove(MdcKeys.SPAN_ID);
    Context before = Context.current();
    SpanContext[] seen = new SpanContext[1];
    int[] calls = {0};
    Filter.Chain chain = new Filter.Chain(List.of(), ex -> {
      calls[0]++;
      seen[0] = Span.current().getSpanContext();
      assertThat(MDC.get(MdcKeys.TRACE_ID)).isEqualTo(seen[0].getTraceId());
      assertThat(MDC.get(MdcKeys.SPAN_ID)).isEqualTo(seen[0].getSpanId());
      if (request.status > 0) {
        ex.sendResponseHeaders(request.status, -1);
      }
      if ("io".equals(request.failure)) {
        throw new IOException("handler failed");
      }
      if ("runtime".equals(request.failure)) {
        throw new IllegalStateException("handler failed");
      }
    });
    TracingFilter filter = new TracingFilter(telemetry.sdk);
    if (request.failure == null) {
      filter.doFilter(exchange, chain);
    } else {
      assertThatThrownBy(() -> filter.doFilter(exchange, chain)).hasMessage("handler failed");
    }
    assertThat(calls[0]).as("handler runs once").isEqualTo(1);
    assertThat(seen[0].isValid()).as("inside a SERVER span").isTrue();
    assertThat(Context.current()).as("context put back").isSameAs(before);
    assertThat(MDC.get(MdcKeys.TRACE_ID)).as("MDC put back").isEqualTo("outer-trace");
    assertThat(MDC.get(MdcKeys.SPAN_ID)).isNull();

    List<SpanData> finished = telemetry.spans.getFinishedSpanItems();
    // a caller that did not sample its trace gets a span that is not recorded (parent-based sampler)
    assertThat(finished).hasSize(seen[0].isSampled() ? 1 : 0);
    if (finished.isEmpty()) {
      return seen[0];
    }
    SpanData span = finished.get(0);
    assertThat(span.getSpanContext()).isEqualTo(seen[0]);
    String query = span.getAttributes().get(AttributeKey.stringKey("url.query"));
    if (query != null) {
      for (String pair : query.split("&", -1)) {
        int eq = pair.indexOf('=');
        if (eq >= 0 && SIGNING_PARAMETERS.contains(pair.substring(0, eq))) {
          assertThat(pair.substring(eq + 1)).as("url.query %s", query).isEqualTo("REDACTED");
        }
      }
    }
    return seen[0];
  }

  /** One request head. */
  private static final class Request {
    final String method;
    final URI uri;
    final Headers headers = new Headers();
    int status;
    String failure;

    private Request(String method, URI uri) {
      this.method = method;
      this.uri = uri;
    }

    /** The request as the JDK server would hand it over, or null when it would refuse it. */
    static Request parse(String text) {
      List<String> lines = text.lines().toList();
      if (lines.isEmpty()) {
        return null;
      }
      String[] requestLine = lines.get(0).split(" ", 3);
      if (requestLine.length < 2 || requestLine[0].isEmpty()) {
        return null;
      }
      Request r;
      try {
        r = new Request(requestLine[0], new URI(requestLine[1]));
      } catch (URISyntaxException e) {
        return null;
      }
      for (String line : lines.subList(1, lines.size())) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          continue;
        }
        String name = line.substring(0, colon);
        String value = line.substring(colon + 1).strip();
        if (name.equals("@status")) {
          r.status = value.matches("[1-5][0-9][0-9]") ? Integer.parseInt(value) : 0;
        } else if (name.equals("@throw")) {
          r.failure = value.equals("io") || value.equals("runtime") ? value : null;
        } else {
          r.headers.add(name, value);
        }
      }
      return r;
    }
  }

  /** An SDK exporting to memory. */
  private static final class Telemetry {
    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    final OpenTelemetrySdk sdk;

    Telemetry(TextMapPropagator propagator) {
      sdk = OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
          .setPropagators(ContextPropagators.create(propagator))
          .build();
    }
  }

  /** What the JDK server hands a filter for one request. */
  private static final class FakeExchange extends HttpExchange {
    private final Request request;
    private final Headers responseHeaders = new Headers();
    private int responseCode = -1;

    FakeExchange(Request request) {
      this.request = request;
    }

    @Override
    public Headers getRequestHeaders() {
      return request.headers;
    }

    @Override
    public Headers getResponseHeaders() {
      return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
      return request.uri;
    }

    @Override
    public String getRequestMethod() {
      return request.method;
    }

    @Override
    public HttpContext getHttpContext() {
      return null;
    }

    @Override
    public void close() {}

    @Override
    public InputStream getRequestBody() {
      return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public OutputStream getResponseBody() {
      return new ByteArrayOutputStream();
    }

    @Override
    public void sendResponseHeaders(int rCode, long responseLength) {
      responseCode = rCode;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    }

    @Override
    public int getResponseCode() {
      return responseCode;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
    }

    @Override
    public String getProtocol() {
      return "HTTP/1.1";
    }

    @Override
    public Object getAttribute(String name) {
      return null;
    }

    @Override
    public void setAttribute(String name, Object value) {}

    @Override
    public void setStreams(InputStream i, OutputStream o) {}

    @Override
    public HttpPrincipal getPrincipal() {
      return null;
    }
  }
}
