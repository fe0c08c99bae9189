package io.mesh4j.tls.internal;

import io.mesh4j.tls.SpiffeId;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads the SPIFFE facts of a certificate: its URI SANs and the X509-SVID rules for leaves. The
 * identity is taken from the URI SAN only, never from a DNS SAN or the subject CN.
 */
public final class LeafCertificates {

  private static final int SAN_URI = 6;
  private static final int KU_DIGITAL_SIGNATURE = 0;
  private static final int KU_KEY_CERT_SIGN = 5;
  private static final int KU_CRL_SIGN = 6;
  static final String EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  static final String EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  static final String EKU_ANY = "2.5.29.37.0";

  /** Which side a peer certificate authenticates, for the extended key usage check. */
  public enum Purpose {
    SERVER(List.of(EKU_SERVER_AUTH), "serverAuth"),
    CLIENT(List.of(EKU_CLIENT_AUTH), "clientAuth"),
    /** An own SVID: it serves and calls, so either is enough for it to be of use. */
    ANY(List.of(EKU_SERVER_AUTH, EKU_CLIENT_AUTH), "serverAuth or clientAuth");

    final List<String> oids;
    final String label;

    Purpose(List<String> oids, String label) {
      this.oids = oids;
      this.label = label;
    }
  }

  private LeafCertificates() {}

  /** Every URI SAN of the certificate, as written. */
  public static List<String> uriSans(X509Certificate cert) throws CertificateParsingException {
    List<String> out = new ArrayList<>();
    Collection<List<?>> sans = cert.getSubjectAlternativeNames();
    if (sans != null) {
      for (List<?> san : sans) {
        if (san.size() >= 2 && Integer.valueOf(SAN_URI).equals(san.get(0))) {
          out.add(String.valueOf(san.get(1)));
        }
      }
    }
    return out;
  }

  /**
   * The SPIFFE ID of an X509-SVID leaf: exactly one URI SAN, a valid SPIFFE ID with a path.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static SpiffeId spiffeIdOf(X509Certificate leaf) {
    List<String> uris;
    try {
      uris = uriSans(leaf);
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("cannot read the subject alternative names: " + e.getMessage(), e);
    }
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("leaf certificate has no URI SAN (an X509-SVID has exactly one SPIFFE ID)");
    }
    if (uris.size() > 1) {
      throw new IllegalArgumentException(
          "leaf certificate has " + uris.size() + " URI SANs " + uris + " (an X509-SVID has exactly one)");
    }
    SpiffeId id = SpiffeId.parse(uris.get(0));
    if (!id.hasPath()) {
      throw new IllegalArgumentException(
          "leaf certificate's SPIFFE ID " + id + " is a bare trust domain (a workload ID must have a path)");
    }
    return id;
  }

  /**
   * The X509-SVID leaf rules, the one place they are written, for this workload's own SVID and for
   * every peer alike: exactly one URI SAN holding a SPIFFE ID with a path, not a CA, key usage
   * present with digitalSignature and without keyCertSign or cRLSign, and an extended key usage,
   * when present, that allows {@code purpose}.
   *
   * @param purpose what the certificate must be allowed to authenticate; {@link Purpose#ANY} for
   *     an own SVID, which serves and calls
   * @return the leaf's SPIFFE ID
   * @throws IllegalArgumentException saying what is wrong
   */
  public static SpiffeId checkLeaf(X509Certificate leaf, Purpose purpose) {
    SpiffeId id = spiffeIdOf(leaf);
    checkLeafUsage(leaf, purpose);
    return id;
  }

  /**
   * The usage part of {@link #checkLeaf}, for callers that read the SPIFFE ID first (to name the
   * peer in their messages).
   */
  public static void checkLeafUsage(X509Certificate leaf, Purpose purpose) {
    if (leaf.getBasicConstraints() >= 0) {
      throw new IllegalArgumentException("leaf certificate is a CA certificate (basicConstraints CA=true)");
    }
    boolean[] ku = leaf.getKeyUsage();
    if (ku == null) {
      throw new IllegalArgumentException("leaf certificate has no key usage (digitalSignature is required)");
    }
    if (!bit(ku, KU_DIGITAL_SIGNATURE)) {
      throw new IllegalArgumentException("leaf certificate's key usage lacks digitalSignature");
    }
    if (bit(ku, KU_KEY_CERT_SIGN) || bit(ku, KU_CRL_SIGN)) {
      throw new IllegalArgumentException("leaf certificate's key usage has keyCertSign or cRLSign");
    }
    List<String> eku;
    try {
      eku = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("cannot read the extended key usage: " + e.getMessage(), e);
    }
    if (eku != null && !eku.contains(EKU_ANY) && purpose.oids.stream().noneMatch(eku::contains)) {
      throw new IllegalArgumentException("leaf certificate's extended key usage does not allow " + purpose.label);
    }
  }

  /** The X509-SVID rule for signing certificates: CA=true and keyCertSign. */
  public static void checkSigningCert(X509Certificate ca, int index) {
    if (ca.getBasicConstraints() < 0) {
      throw new IllegalArgumentException(
          "certificate " + index + " of the chain signs others but is not a CA (basicConstraints CA=false)");
    }
    boolean[] ku = ca.getKeyUsage();
    if (ku == null || !bit(ku, KU_KEY_CERT_SIGN)) {
      throw new IllegalArgumentException("CA certificate " + index + " of the chain lacks keyCertSign key usage");
    }
  }

  /** Short description for logs and messages: never the whole certificate. */
  public static String describe(X509Certificate cert) {
    return "serial " + cert.getSerialNumber().toString(16) + ", valid " + cert.getNotBefore().toInstant()
        + " to " + cert.getNotAfter().toInstant();
  }

  private static boolean bit(boolean[] ku, int i) {
    return ku.length > i && ku[i];
  }
}
