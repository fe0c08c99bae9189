package io.mesh4j.tracing.internal;

import io.opentelemetry.context.propagation.TextMapSetter;
import okhttp3.Request;

/**
 * Where propagators write an attempt's headers. Copies the request only when something is written,
 * so the no-op propagator costs no allocation.
 */
final class RequestHeaderCarrier {

  static final TextMapSetter<RequestHeaderCarrier> SETTER =
      (carrier, key, value) -> {
        if (carrier != null) {
          carrier.builder().header(key, value);
        }
      };

  private final Request request;
  private Request.Builder builder;

  RequestHeaderCarrier(Request request) {
    this.request = request;
  }

  Request.Builder builder() {
    if (builder == null) {
      builder = request.newBuilder();
    }
    return builder;
  }

  Request build() {
    return builder == null ? request : builder.build();
  }
}
