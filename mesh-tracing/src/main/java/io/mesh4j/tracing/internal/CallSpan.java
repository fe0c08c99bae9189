package io.mesh4j.tracing.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;

/**
 * The logical span of the mesh request the current thread works on, put in the {@link Context} by
 * {@link CallTracingStage} while the span records. Events published on the request's thread (a
 * circuit rejection) annotate this span, and not whatever span happens to be current: an attempt
 * span, a stage's own span, or the caller's span when the event does not come from a request.
 */
record CallSpan(Span span, String service) {

  private static final ContextKey<CallSpan> KEY = ContextKey.named("mesh4j-call-span");

  /** {@code context} with the call's span current and known as the call span. */
  static Context in(Context context, Span span, String service) {
    return context.with(span).with(KEY, new CallSpan(span, service));
  }

  /** The call span of the current request when it is a request to {@code service}, or null. */
  static Span current(String service) {
    CallSpan call = Context.current().get(KEY);
    return call != null && call.service().equals(service) ? call.span() : null;
  }
}
