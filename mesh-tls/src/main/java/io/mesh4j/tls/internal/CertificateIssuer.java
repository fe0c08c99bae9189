package io.mesh4j.tls.internal;

import io.mesh4j.tls.SpiffeId;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.security.auth.x500.X500Principal;

/**
 * Builds the dev CA's root and the X509-SVIDs it issues (EC P-256, SHA-256 ECDSA), encoded with
 * {@link Der} and signed with the JDK's providers: no BouncyCastle on the startup path (its
 * signed-jar verification and class loading took most of a cold start).
 */
public final class CertificateIssuer {

  /** Leaves start a little in the past so peers with slightly slow clocks accept them. */
  static final Duration BACKDATE = Duration.ofMinutes(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String SUBJECT_KEY_ID = "2.5.29.14";
  private static final String AUTHORITY_KEY_ID = "2.5.29.35";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
  private static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";

  /** keyUsage bits as DER BIT STRINGs (named bits, trailing zero bits dropped). */
  private static final byte[] KEY_CERT_SIGN_AND_CRL_SIGN = Der.bitString(new byte[] {0x06}, 1);
  private static final byte[] DIGITAL_SIGNATURE = Der.bitString(new byte[] {(byte) 0x80}, 7);

  private CertificateIssuer() {}

  public static X509Certificate selfSignedCa(KeyPair caKey, String commonName, Instant now, Duration validity) {
    try {
      X500Principal subject = new X500Principal("CN=" + commonName + ", O=mesh4j");
      byte[] extensions = Der.sequence(
          extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true))),
          extension(KEY_USAGE, true, KEY_CERT_SIGN_AND_CRL_SIGN),
          extension(SUBJECT_KEY_ID, false, Der.octetString(keyId(caKey.getPublic()))));
      return sign(subject, subject, now.minus(BACKDATE), now.plus(validity), caKey.getPublic(), extensions,
          caKey.getPrivate());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalStateException("cannot create the CA certificate: " + e.getMessage(), e);
    }
  }

  /** A leaf X509-SVID for {@code id}: one URI SAN, digitalSignature, serverAuth + clientAuth. */
  public static X509Certificate svid(
      SpiffeId id, PublicKey leafKey, X509Certificate issuer, PrivateKey issuerKey, Instant now, Duration ttl) {
    try {
      Instant notAfter = now.plus(ttl);
      if (notAfter.isAfter(issuer.getNotAfter().toInstant())) {
        notAfter = issuer.getNotAfter().toInstant(); // never outlive the issuer
      }
      byte[] extensions = Der.sequence(
          extension(BASIC_CONSTRAINTS, true, Der.sequence()),
          extension(KEY_USAGE, true, DIGITAL_SIGNATURE),
          extension(EXTENDED_KEY_USAGE, false, Der.sequence(Der.oid(SERVER_AUTH), Der.oid(CLIENT_AUTH))),
          extension(SUBJECT_ALT_NAME, false,
              Der.sequence(Der.implicitPrimitive(6, Der.ia5(id.toString())))), // uniformResourceIdentifier
          extension(SUBJECT_KEY_ID, false, Der.octetString(keyId(leafKey))),
          extension(AUTHORITY_KEY_ID, false, Der.sequence(Der.implicitPrimitive(0, authorityKeyId(issuer)))));
      return sign(issuer.getSubjectX500Principal(), new X500Principal("O=SPIFFE"), now.minus(BACKDATE), notAfter,
          leafKey, extensions, issuerKey);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalStateException("cannot issue an SVID for " + id + ": " + e.getMessage(), e);
    }
  }

  private static X509Certificate sign(X500Principal issuer, X500Principal subject, Instant notBefore,
      Instant notAfter, PublicKey subjectKey, byte[] extensions, PrivateKey signingKey)
      throws GeneralSecurityException {
    boolean rsa = signingKey.getAlgorithm().equals("RSA");
    byte[] algorithm = rsa
        ? Der.sequence(Der.oid(SHA256_WITH_RSA), Der.nullValue())
        : Der.sequence(Der.oid(ECDSA_WITH_SHA256)); // RFC 5758: no parameters
    byte[] tbs = Der.sequence(
        Der.explicit(0, Der.integer(BigInteger.TWO)), // v3
        Der.integer(serial()),
        algorithm,
        issuer.getEncoded(),
        Der.sequence(Der.time(notBefore), Der.time(notAfter)),
        subject.getEncoded(),
        subjectKey.getEncoded(), // SubjectPublicKeyInfo
        Der.explicit(3, extensions));
    Signature s = Signature.getInstance(rsa ? "SHA256withRSA" : "SHA256withECDSA");
    s.initSign(signingKey);
    s.update(tbs);
    byte[] certificate = Der.sequence(tbs, algorithm, Der.bitString(s.sign(), 0));
    // Parsing it back checks the encoding and gives the JDK's own certificate object.
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(certificate));
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical
        ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
        : Der.sequence(Der.oid(oid), Der.octetString(value)); // DEFAULT FALSE is omitted in DER
  }

  /** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits. */
  static byte[] keyId(PublicKey key) throws GeneralSecurityException {
    return MessageDigest.getInstance("SHA-1").digest(Der.subjectPublicKeyBits(key.getEncoded()));
  }

  /** The issuer's own subjectKeyIdentifier when it has one (so the two match), else computed. */
  private static byte[] authorityKeyId(X509Certificate issuer) throws GeneralSecurityException {
    byte[] ext = issuer.getExtensionValue(SUBJECT_KEY_ID); // OCTET STRING { OCTET STRING keyId }
    if (ext != null && ext.length > 4 && ext[0] == 0x04 && ext[2] == 0x04 && ext[1] == ext[3] + 2) {
      byte[] id = new byte[ext[3]];
      System.arraycopy(ext, 4, id, 0, id.length);
      return id;
    }
    return keyId(issuer.getPublicKey());
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }
}
