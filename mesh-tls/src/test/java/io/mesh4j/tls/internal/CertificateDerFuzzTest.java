package io.mesh4j.tls.internal;

import static io.mesh4j.testing.fuzz.FuzzTargets.rejectedWithMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * Fuzzes certificates below the PEM armour: mutating PEM text mostly breaks its base64, so here
 * the fuzzer shapes the DER itself. Each input is one certificate as a TLS peer sends it; it runs
 * through the JDK's parser (what JSSE uses for peer chains) into mesh4j's peer checks, and through
 * {@link Pem#certificates} as if read from a file.
 */
class CertificateDerFuzzTest {

  private static final CertificateFactory X509 = x509();

  @FuzzTest
  void der(byte[] der) {
    X509Certificate peer = null;
    try {
      peer = (X509Certificate) X509.generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      // not a certificate to the JDK: a handshake would have failed before mesh4j's checks
    }
    if (peer != null) {
      PemFuzzChecks.checkPeerChain(List.of(peer));
    }
    String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END CERTIFICATE-----\n";
    List<X509Certificate> certs;
    try {
      certs = Pem.certificates(pem.getBytes(StandardCharsets.US_ASCII), "fuzz.pem");
    } catch (IllegalArgumentException e) {
      rejectedWithMessage(e, "fuzz.pem: ");
      return;
    }
    PemFuzzChecks.checkCertificates(certs);
  }

  private static CertificateFactory x509() {
    try {
      return CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }
}
