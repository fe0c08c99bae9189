package io.mesh4j.tracing.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of call spans ({@code GET orders}), built once per service and method rather than
 * concatenated per request. Services are the mesh's configured ones, so the cache stays small; past
 * {@link #MAX_SERVICES} (services come and go with configuration) names are built per request.
 */
final class CallSpanNames {

  static final int MAX_SERVICES = 1024;

  /** The methods whose names are kept: the semconv known methods; the rest are {@code HTTP <service>}. */
  private static final String[] METHODS = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY"
  };

  private static final int OTHER = METHODS.length;

  private final Map<String, String[]> byService = new ConcurrentHashMap<>();

  /** {@code <method> <service>}, with {@code HTTP} for a method semconv does not know. */
  String of(String method, String service) {
    String[] names = byService.get(service);
    if (names == null) {
      if (byService.size() >= MAX_SERVICES) {
        return HttpSemconv.spanName(method) + " " + service;
      }
      names = byService.computeIfAbsent(service, s -> new String[METHODS.length + 1]);
    }
    int i = index(method);
    String name = names[i];
    if (name == null) { // racing threads build equal strings: either may be kept
      name = (i == OTHER ? "HTTP" : METHODS[i]) + " " + service;
      names[i] = name;
    }
    return name;
  }

  private static int index(String method) {
    for (int i = 0; i < METHODS.length; i++) {
      if (METHODS[i].equals(method)) {
        return i;
      }
    }
    return OTHER;
  }
}
