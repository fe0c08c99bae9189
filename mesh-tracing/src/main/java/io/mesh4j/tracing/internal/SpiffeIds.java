package io.mesh4j.tracing.internal;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Reads the SPIFFE ID of a TLS peer from its leaf certificate's URI SAN, for a span attribute.
 * Reporting only: authorization is mesh-tls's job and stricter than this.
 */
final class SpiffeIds {

  private static final int URI_SAN = 6;

  private SpiffeIds() {}

  /** The first {@code spiffe://} URI SAN of the leaf, or null. */
  static String ofPeer(List<Certificate> peerCertificates) {
    if (peerCertificates.isEmpty() || !(peerCertificates.get(0) instanceof X509Certificate leaf)) {
      return null;
    }
    Collection<List<?>> names;
    try {
      names = leaf.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return null;
    }
    if (names == null) {
      return null;
    }
    for (List<?> name : names) {
      if (name.size() >= 2
          && Integer.valueOf(URI_SAN).equals(name.get(0))
          && name.get(1) instanceof String uri
          && uri.toLowerCase(Locale.ROOT).startsWith("spiffe://")) {
        return uri;
      }
    }
    return null;
  }
}
