package io.mesh4j.tls.internal;

import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.X509Svid;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Decides when a client connection stops taking new requests: once the SVID its session
 * presented is no longer the one presented now (it rotated), or once a certificate of its session,
 * its own or the server's, has expired on the mesh clock. A session that presented no certificate
 * is judged by the server's certificates alone.
 */
final class ConnectionRetirement {

  /** What a completed handshake carries: the leaf it presented and when its first certificate expires. */
  record Session(X509Certificate presentedLeaf, long expiresAt) {}

  private final RotatingKeyManager keyManager;
  private final MeshClock clock;

  ConnectionRetirement(RotatingKeyManager keyManager, MeshClock clock) {
    this.keyManager = keyManager;
    this.clock = clock;
  }

  Session of(SSLSession session) {
    Certificate[] local = session.getLocalCertificates();
    Certificate[] peer;
    try {
      peer = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      peer = new Certificate[0];
    }
    long expiresAt = Math.min(earliestNotAfter(local), earliestNotAfter(peer));
    X509Certificate leaf = local != null && local.length > 0 ? (X509Certificate) local[0] : null;
    return new Session(leaf, expiresAt);
  }

  boolean retired(Session s) {
    if (clock.wallMillis() >= s.expiresAt()) {
      return true;
    }
    if (s.presentedLeaf() == null) {
      return false;
    }
    X509Svid now = keyManager.presented();
    return now == null || !now.leaf().equals(s.presentedLeaf()); // equals tests identity first
  }

  private static long earliestNotAfter(Certificate[] chain) {
    long min = Long.MAX_VALUE;
    if (chain != null) {
      for (Certificate c : chain) {
        if (c instanceof X509Certificate x) {
          min = Math.min(min, x.getNotAfter().getTime());
        }
      }
    }
    return min;
  }
}
