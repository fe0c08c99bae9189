package io.mesh4j.tracing.internal;

import io.mesh4j.tracing.MeshAttributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import okhttp3.Response;

/**
 * How one request or attempt ended, as spans and metrics record it.
 *
 * @param statusCode the response status, or 0 when there was no response
 * @param errorType the semconv {@code error.type}, or null for a success
 * @param failure the exception, when it failed with one
 */
record Outcome(int statusCode, String errorType, Throwable failure) {

  /**
   * A concurrent attempt (a hedge, or the first attempt it overtook) cancelled because another
   * attempt of the request answered first: normal work of hedging, not an error of the endpoint.
   */
  static final Outcome SUPERSEDED = new Outcome(0, "superseded", null);

  /** A response: an error for a client when the status is 4xx or 5xx, per the HTTP span-status rules. */
  static Outcome of(Response response) {
    int code = response.code();
    return new Outcome(code, code >= 400 ? Integer.toString(code) : null, null);
  }

  /** A failure without a response: {@code error.type} is the exception's class name. */
  static Outcome of(Throwable failure) {
    return new Outcome(0, failure.getClass().getName(), failure);
  }

  boolean hasStatus() {
    return statusCode > 0;
  }

  /** Sets the status-code and error attributes, the span status, and records the exception. */
  void applyTo(Span span) {
    if (this == SUPERSEDED) {
      span.setAttribute(MeshAttributes.ATTEMPT_SUPERSEDED, true);
      return;
    }
    if (hasStatus()) {
      span.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, (long) statusCode);
    }
    if (errorType != null) {
      span.setAttribute(HttpSemconv.ERROR_TYPE, errorType);
      span.setStatus(StatusCode.ERROR);
    }
    if (failure != null) {
      span.recordException(failure);
    }
  }

  /** Adds the status-code and error attributes to a metric point. */
  void addTo(AttributesBuilder attributes) {
    if (hasStatus()) {
      attributes.put(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, (long) statusCode);
    }
    if (errorType != null) {
      attributes.put(HttpSemconv.ERROR_TYPE, errorType);
    }
  }
}
