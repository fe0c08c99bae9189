package io.mesh4j.tracing.internal;

import io.opentelemetry.api.trace.Span;

/**
 * Request tag carrying an attempt's CLIENT span to the network interceptor, which sees the
 * connection; set only when the span is recording.
 */
record AttemptSpan(Span span) {}
