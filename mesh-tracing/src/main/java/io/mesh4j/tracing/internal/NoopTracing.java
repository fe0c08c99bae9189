package io.mesh4j.tracing.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;

/**
 * The OpenTelemetry API without an SDK: its tracer builds no span, its span builder only wraps the
 * current span's context. Stages that know their tracer is that one skip the span builder and what
 * they would have built for it (names, attributes): the span they get is the same.
 */
final class NoopTracing {

  /** The API's no-op tracer: one instance, whatever the name asked for. */
  private static final Tracer NOOP = TracerProvider.noop().get("io.mesh4j");

  private NoopTracing() {}

  static boolean isNoop(Tracer tracer) {
    return tracer == NOOP;
  }

  /** What the no-op tracer's {@code spanBuilder(..).startSpan()} returns, without the builder. */
  static Span span() {
    return Span.wrap(Span.current().getSpanContext());
  }
}
