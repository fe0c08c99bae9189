package io.mesh4j.tracing.internal;

import io.mesh4j.tracing.MeshAttributes;
import java.io.IOException;
import okhttp3.Connection;
import okhttp3.Handshake;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Network interceptor that adds the peer's SPIFFE ID to the attempt span: only here is the
 * connection, and its handshake, known (also for pooled connections).
 */
final class PeerIdentityRecorder implements Interceptor {

  @Override
  public Response intercept(Chain chain) throws IOException {
    AttemptSpan attempt = chain.request().tag(AttemptSpan.class);
    Connection connection = chain.connection();
    if (attempt != null && connection != null) {
      Handshake handshake = connection.handshake();
      if (handshake != null) {
        String id = SpiffeIds.ofPeer(handshake.peerCertificates());
        if (id != null) {
          attempt.span().setAttribute(MeshAttributes.PEER_SPIFFE_ID, id);
        }
      }
    }
    return chain.proceed(chain.request());
  }
}
