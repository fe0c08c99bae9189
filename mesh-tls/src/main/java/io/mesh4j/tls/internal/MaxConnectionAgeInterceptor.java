package io.mesh4j.tls.internal;

import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.time.MeshClock;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import okhttp3.Connection;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Retires mesh connections older than {@code mesh.tls.max-connection-age}, so that a rotated SVID
 * or bundle is used by every connection within that time. OkHttp's pool has an idle timeout but
 * no maximum age, so age is measured from the first request this interceptor sees on a
 * connection (which follows its handshake at once). A request on an over-age connection carries
 * {@code Connection: close}: OkHttp marks the connection "no new exchanges" and closes it after
 * that response (the header is not sent on HTTP/2), so the next request opens a new one. The
 * over-age connection thus serves one last request; it is never reused after that.
 */
public final class MaxConnectionAgeInterceptor implements Interceptor {

  private final long maxAgeNanos;
  private final MeshClock clock;
  private final Map<Connection, Long> firstSeen = new WeakHashMap<>();

  public MaxConnectionAgeInterceptor(Duration maxAge, MeshClock clock) {
    this.maxAgeNanos = maxAge.toNanos();
    this.clock = clock;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Connection c = chain.connection();
    Request request = chain.request();
    if (c == null || request.tag(MeshAttempt.class) == null) {
      return chain.proceed(request);
    }
    long now = clock.nanoTime();
    long born;
    if (c.socket() instanceof MeshClientSocket mesh) {
      born = mesh.firstRequestNanos(now); // a mesh TLS connection keeps it: no lock, no map per request
    } else {
      synchronized (firstSeen) { // a plaintext mesh connection (tls.mode=disabled for the service)
        born = firstSeen.computeIfAbsent(c, k -> now);
      }
    }
    if (now - born >= maxAgeNanos) {
      request = request.newBuilder().header("Connection", "close").build();
    }
    return chain.proceed(request);
  }
}
