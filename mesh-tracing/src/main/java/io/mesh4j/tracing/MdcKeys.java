package io.mesh4j.tracing;

/**
 * The slf4j MDC keys set while the mesh works on a request (and while a {@link TracingFilter}
 * handles one), the names OpenTelemetry's own log instrumentations use.
 */
public final class MdcKeys {

  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";
  public static final String TRACE_FLAGS = "trace_flags";

  private MdcKeys() {}
}
