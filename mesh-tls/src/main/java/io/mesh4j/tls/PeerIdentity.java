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
    return ofLeaf(certs.length == 0 ? null : certs[0]);
  }

  /**
   * The SPIFFE ID of the server a mesh response came from ({@code response.handshake()}), as
   * verified on that connection.
   *
   * @throws SSLPeerUnverifiedException when there was no TLS or the peer has no valid SVID
   */
  public static SpiffeId of(okhttp3.Handshake handshake) throws SSLPeerUnverifiedException {
    if (handshake == null) {
      throw new SSLPeerUnverifiedException("not a TLS connection");
    }
    java.util.List<Certificate> certs = handshake.peerCertificates();
    return ofLeaf(certs.isEmpty() ? null : certs.get(0));
  }

  private static SpiffeId ofLeaf(Certificate leaf) throws SSLPeerUnverifiedException {
    if (!(leaf instanceof X509Certificate)) {
      throw new SSLPeerUnverifiedException("peer presented no X.509 certificate");
    }
    try {
      return LeafCertificates.spiffeIdOf((X509Certificate) leaf);
    } catch (IllegalArgumentException e) {
      throw new SSLPeerUnverifiedException("peer has no valid SPIFFE ID: " + e.getMessage());
    }
  }
}
