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
 *
 * <p>Building even that URL costs ~700 bytes (builder, segment lists, the URL string). Each endpoint
 * also keeps the last URL it rewrote: a client calling one URL over and over (an RPC-style API, a
 * poll) reuses it; any other URL costs one string comparison more.
 */
final class EndpointUrls {

  // Endpoints come and go with discovery: forget them all now and then rather than track them.
  private static final int MAX_ENDPOINTS = 1024;

  private final Map<Endpoint, Base> bases = new ConcurrentHashMap<>();

  /** An endpoint's {@code scheme://host:port/}, and the last URL rewritten to it. */
  private static final class Base {
    final HttpUrl url;
    /** Written racily: any thread's last rewrite is as good as another's. */
    volatile Rewritten last;

    Base(HttpUrl url) {
      this.url = url;
    }
  }

  private record Rewritten(HttpUrl logical, HttpUrl physical) {}

  HttpUrl rewrite(HttpUrl logical, Endpoint endpoint, boolean secure) {
    Base base = base(endpoint, secure);
    Rewritten last = base.last;
    // HttpUrl's string is the whole URL (user info and fragment included), kept, not rebuilt
    if (last != null && (last.logical == logical || last.logical.toString().equals(logical.toString()))) {
      return last.physical;
    }
    HttpUrl.Builder b =
        base.url
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
    HttpUrl physical = b.build();
    base.last = new Rewritten(logical, physical);
    return physical;
  }

  private Base base(Endpoint endpoint, boolean secure) {
    Base base = bases.get(endpoint);
    if (base == null || base.url.isHttps() != secure) {
      // throws IllegalArgumentException for a host OkHttp cannot use, as setting it on the
      // logical URL's builder did
      base =
          new Base(
              new HttpUrl.Builder()
                  .scheme(secure ? "https" : "http")
                  .host(endpoint.host())
                  .port(endpoint.port())
                  .build());
      if (bases.size() >= MAX_ENDPOINTS) {
        bases.clear();
      }
      bases.put(endpoint, base);
    }
    return base;
  }
}
