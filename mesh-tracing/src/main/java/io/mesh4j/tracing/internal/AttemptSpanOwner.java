package io.mesh4j.tracing.internal;

import io.opentelemetry.context.Context;
import okhttp3.Request;

/**
 * Who makes an attempt's CLIENT span and {@code http.client.*} metrics ({@code
 * mesh.tracing.attempt-spans}). Two HTTP client instrumentations on one request would nest a
 * CLIENT span inside a CLIENT span and record {@code http.client.request.duration} twice.
 */
enum AttemptSpanOwner {
  /** mesh4j, always. */
  MESH,
  /** Another instrumentation, always: mesh4j's attempt span is INTERNAL, with no http.client.* metric. */
  OTHER,
  /** {@link #OTHER} for calls made through OpenTelemetry's OkHttp library instrumentation, else {@link #MESH}. */
  AUTO;

  /**
   * The owner for the configured {@code mesh.tracing.attempt-spans}; {@code auto} is {@link #OTHER}
   * outright when the OpenTelemetry Java agent instruments OkHttp (every client, every call).
   */
  static AttemptSpanOwner of(String configured, boolean javaAgentInstrumentsOkHttp) {
    return switch (configured) {
      case "client" -> MESH;
      case "internal" -> OTHER;
      default -> javaAgentInstrumentsOkHttp ? OTHER : AUTO;
    };
  }

  /** True when another instrumentation makes this attempt's CLIENT span and metrics. */
  boolean otherMakesClientSpan(Request request) {
    return switch (this) {
      case MESH -> false;
      case OTHER -> true;
      // OkHttpTelemetry's call factory tags each request with the caller's Context (under the
      // Context class) for its interceptors; its network interceptor then starts the CLIENT span
      // of each physical request and records its metrics.
      case AUTO -> request.tag(Context.class) != null;
    };
  }
}
