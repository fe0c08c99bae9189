package io.mesh4j.tracing;

import io.opentelemetry.api.OpenTelemetry;

/** Entry points of mesh-tracing for code that passes its own {@link OpenTelemetry} instance. */
public final class MeshTracing {

  /** The instrumentation scope name of mesh4j's tracer and meter. */
  public static final String INSTRUMENTATION_NAME = "io.mesh4j.tracing";

  private MeshTracing() {}

  /**
   * The tracing module with this OpenTelemetry instance, for {@code
   * MeshClient.builder().module(...)}; it replaces the one found on the classpath.
   */
  public static TracingModule module(OpenTelemetry openTelemetry) {
    return new TracingModule(openTelemetry);
  }

  /**
   * A filter for the JDK's {@code HttpServer}: continues the caller's trace in a SERVER span
   * ({@code server.createContext("/", handler).getFilters().add(MeshTracing.serverFilter(otel))}).
   */
  public static TracingFilter serverFilter(OpenTelemetry openTelemetry) {
    return new TracingFilter(openTelemetry);
  }
}
