package io.mesh4j.tracing;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.mesh4j.tracing.internal.ServerRequestTracer;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.util.Objects;

/**
 * Server side of a traced hop, for the JDK's {@code com.sun.net.httpserver}: extracts the caller's
 * context with the OpenTelemetry instance's propagators and runs the handler inside a SERVER span
 * (current {@link io.opentelemetry.context.Context} and MDC {@link MdcKeys} set).
 */
public final class TracingFilter extends Filter {

  private final ServerRequestTracer tracer;

  public TracingFilter(OpenTelemetry openTelemetry) {
    this.tracer = new ServerRequestTracer(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    tracer.handle(exchange, chain);
  }

  @Override
  public String description() {
    return "mesh4j OpenTelemetry SERVER spans";
  }
}
