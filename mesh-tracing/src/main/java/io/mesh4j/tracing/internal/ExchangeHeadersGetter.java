package io.mesh4j.tracing.internal;

import com.sun.net.httpserver.Headers;
import io.opentelemetry.context.propagation.TextMapGetter;

/** Reads propagation headers from a JDK HttpServer request (its Headers match names case-insensitively). */
enum ExchangeHeadersGetter implements TextMapGetter<Headers> {
  INSTANCE;

  @Override
  public Iterable<String> keys(Headers carrier) {
    return carrier.keySet();
  }

  @Override
  public String get(Headers carrier, String key) {
    return carrier == null ? null : carrier.getFirst(key);
  }
}
