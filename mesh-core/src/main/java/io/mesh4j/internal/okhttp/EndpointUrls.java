package io.mesh4j.internal.okhttp;

import io.mesh4j.discovery.Endpoint;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;

/**
 * Rewrites a logical URL ({@code http://orders/x?y}) to one endpoint. OkHttp canonicalizes a host
 * every time one is set on an {@link HttpUrl.Builder} (IDN mapping through Okio buffers, even for an
 * IP literal): that was a tenth of the mesh's allocation per request. So each endpoint's {@code
 * scheme://host:port/} is built once and kept, and a request's URL starts from its builder, whose
 * host is copied as it is, and takes the logical URL's path, query, fragment and user info.
 */
final class EndpointUrls {

  // Endpoints come and go with discovery: forget them all now and then rather than track them.
  private static final int MAX_ENDPOINTS = 1024;

  private final Map<Endpoint, HttpUrl> bases = new ConcurrentHashMap<>();

  HttpUrl rewrite(HttpUrl logical, Endpoint endpoint, boolean secure) {
    HttpUrl.Builder b =
        base(endpoint, secure)
            .newBuilder()
            .encodedPath(logical.encodedPath())
            .encodedQuery(logical.encodedQuery())
            .encodedFragment(logical.encodedFragment());
    if (!logical.encodedUsername().isEmpty()) {
      b.encodedUsername(logical.encodedUsername());
    }
    if (!logical.encodedPassword().isEmpty()) {
      b.encodedPassword(logical.encodedPassword());
    }
    return b.build();
  }

  private HttpUrl base(Endpoint endpoint, boolean secure) {
    HttpUrl base = bases.get(endpoint);
    if (base == null || base.isHttps() != secure) {
      // throws IllegalArgumentException for a host OkHttp cannot use, as setting it on the
      // logical URL's builder did
      base =
          new HttpUrl.Builder()
              .scheme(secure ? "https" : "http")
              .host(endpoint.host())
              .port(endpoint.port())
              .build();
      if (bases.size() >= MAX_ENDPOINTS) {
        bases.clear();
      }
      bases.put(endpoint, base);
    }
    return base;
  }
}
