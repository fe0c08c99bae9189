package io.mesh4j.tls;

import io.mesh4j.tls.internal.LeafCertificates;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Reads the SPIFFE ID of the peer of a TLS session verified by mesh4j's trust manager. */
public final class PeerIdentity {

  private PeerIdentity() {}

  /**
   * The peer's SPIFFE ID, from the URI SAN of its verified leaf certificate (never a DNS SAN or
   * CN). Only meaningful on sessions whose handshake mesh4j's trust manager verified.
   *
   * @throws SSLPeerUnverifiedException when the peer presented no certificate or no valid SVID
   */
  public static SpiffeId of(SSLSession session) throws SSLPeerUnverifiedException {
    Certificate[] certs = session.getPeerCertificates();
    if (certs.length == 0 || !(certs[0] instanceof X509Certificate)) {
      throw new SSLPeerUnverifiedException("peer presented no X.509 certificate");
    }
    try {
      return LeafCertificates.spiffeIdOf((X509Certificate) certs[0]);
    } catch (IllegalArgumentException e) {
      throw new SSLPeerUnverifiedException("peer has no valid SPIFFE ID: " + e.getMessage());
    }
  }
}
