package io.mesh4j.tracing.internal;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import io.mesh4j.tracing.MeshTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;

/** The work of {@link io.mesh4j.tracing.TracingFilter}: a SERVER span around one exchange. */
public final class ServerRequestTracer {

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  public ServerRequestTracer(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(MeshTracing.INSTRUMENTATION_NAME);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  public void handle(HttpExchange exchange, Filter.Chain chain) throws IOException {
    Context parent = propagator.extract(Context.current(), exchange.getRequestHeaders(), ExchangeHeadersGetter.INSTANCE);
    String method = exchange.getRequestMethod();
    Span span =
        tracer
            .spanBuilder(HttpSemconv.spanName(method))
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .startSpan();
    if (span.isRecording()) {
      describe(span, exchange, method);
    }
    try (Scope scope = parent.with(span).makeCurrent();
        MdcScope mdc = MdcScope.open(span.getSpanContext())) {
      chain.doFilter(exchange);
    } catch (IOException | RuntimeException | Error e) {
      span.setAttribute(HttpSemconv.ERROR_TYPE, e.getClass().getName());
      span.setStatus(StatusCode.ERROR);
      span.recordException(e);
      throw e;
    } finally {
      int code = exchange.getResponseCode();
      if (code > 0 && span.isRecording()) {
        span.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, (long) code);
        if (code >= 500) { // a server's 4xx is the caller's error, not the server's
          span.setAttribute(HttpSemconv.ERROR_TYPE, Integer.toString(code));
          span.setStatus(StatusCode.ERROR);
        }
      }
      span.end();
    }
  }

  private static void describe(Span span, HttpExchange exchange, String method) {
    URI uri = exchange.getRequestURI();
    span.setAttribute(HttpSemconv.HTTP_REQUEST_METHOD, HttpSemconv.method(method));
    if (HttpSemconv.isOtherMethod(method)) {
      span.setAttribute(HttpSemconv.HTTP_REQUEST_METHOD_ORIGINAL, method);
    }
    span.setAttribute(HttpSemconv.URL_SCHEME, exchange instanceof HttpsExchange ? "https" : "http");
    span.setAttribute(HttpSemconv.URL_PATH, uri.getRawPath());
    if (uri.getRawQuery() != null) {
      span.setAttribute(HttpSemconv.URL_QUERY, UrlRedaction.query(uri.getRawQuery()));
    }
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (host != null) {
      span.setAttribute(HttpSemconv.SERVER_ADDRESS, stripPort(host));
    }
    InetSocketAddress local = exchange.getLocalAddress();
    if (local != null) {
      span.setAttribute(HttpSemconv.SERVER_PORT, (long) local.getPort());
    }
    InetSocketAddress remote = exchange.getRemoteAddress();
    if (remote != null && remote.getAddress() != null) {
      span.setAttribute(HttpSemconv.CLIENT_ADDRESS, remote.getAddress().getHostAddress());
    }
    String userAgent = exchange.getRequestHeaders().getFirst("User-Agent");
    if (userAgent != null) {
      span.setAttribute(HttpSemconv.USER_AGENT_ORIGINAL, userAgent);
    }
  }

  private static String stripPort(String host) {
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      return close > 0 ? host.substring(1, close) : host;
    }
    int colon = host.lastIndexOf(':');
    return colon > 0 ? host.substring(0, colon) : host;
  }
}
