package io.mesh4j.tls.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM for the files the dev CA writes itself (certificates and one unencrypted PKCS#8 key), read
 * and written with the JDK alone so that starting with an existing CA loads no BouncyCastle class.
 * Files of other origins (the {@code files} source) go through {@link Pem}, which knows every PEM
 * flavour.
 */
final class JdkPem {

  private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PKCS8_END = "-----END PRIVATE KEY-----";

  private JdkPem() {}

  /** One PEM block of {@code type} with 64-character lines, as openssl writes them. */
  static String encode(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /** Every certificate in {@code pem}; at least one. */
  static List<X509Certificate> certificates(byte[] pem, String source) {
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(source + ": no PEM CERTIFICATE block found");
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(source + ": malformed PEM certificate data (" + e.getMessage() + ")", e);
    }
  }

  /** The one {@code BEGIN PRIVATE KEY} block of {@code pem}, a key of {@code algorithm} ("EC", "RSA"). */
  static PrivateKey pkcs8PrivateKey(byte[] pem, String algorithm, String source) {
    String text = new String(pem, StandardCharsets.US_ASCII).strip();
    if (!text.startsWith(PKCS8_BEGIN) || !text.endsWith(PKCS8_END)) {
      throw new IllegalArgumentException(source + ": expected exactly one unencrypted PKCS#8 block ("
          + PKCS8_BEGIN + " ... " + PKCS8_END + ")");
    }
    String body = text.substring(PKCS8_BEGIN.length(), text.length() - PKCS8_END.length());
    try {
      byte[] der = Base64.getMimeDecoder().decode(body);
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException(source + ": malformed PKCS#8 " + algorithm + " private key ("
          + e.getMessage() + ")", e);
    }
  }
}
