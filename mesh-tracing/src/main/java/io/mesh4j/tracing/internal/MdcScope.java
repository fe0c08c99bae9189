package io.mesh4j.tracing.internal;

import io.mesh4j.tracing.MdcKeys;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * Puts a span's ids in the slf4j MDC and, on close, puts back what was there before: the mesh
 * works on the caller's thread, whose own MDC must survive the request.
 */
public final class MdcScope implements AutoCloseable {

  private static final MdcScope NONE = new MdcScope(null, null, null);

  private final String previousTraceId;
  private final String previousSpanId;
  private final String previousFlags;

  private MdcScope(String traceId, String spanId, String flags) {
    this.previousTraceId = traceId;
    this.previousSpanId = spanId;
    this.previousFlags = flags;
  }

  /** Sets the MDC for a valid span context; an invalid one (no SDK) changes nothing. */
  public static MdcScope open(SpanContext context) {
    if (!context.isValid()) {
      return NONE;
    }
    MdcScope scope = new MdcScope(MDC.get(MdcKeys.TRACE_ID), MDC.get(MdcKeys.SPAN_ID), MDC.get(MdcKeys.TRACE_FLAGS));
    MDC.put(MdcKeys.TRACE_ID, context.getTraceId());
    MDC.put(MdcKeys.SPAN_ID, context.getSpanId());
    MDC.put(MdcKeys.TRACE_FLAGS, context.getTraceFlags().asHex());
    return scope;
  }

  @Override
  public void close() {
    if (this == NONE) {
      return;
    }
    restore(MdcKeys.TRACE_ID, previousTraceId);
    restore(MdcKeys.SPAN_ID, previousSpanId);
    restore(MdcKeys.TRACE_FLAGS, previousFlags);
  }

  private static void restore(String key, String previous) {
    if (previous == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, previous);
    }
  }
}
