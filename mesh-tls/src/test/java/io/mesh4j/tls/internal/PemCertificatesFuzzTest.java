package io.mesh4j.tls.internal;

import static io.mesh4j.testing.fuzz.FuzzTargets.rejectedWithMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Fuzzes {@link Pem#certificates} with PEM text, as the files source reads SVID chains and trust
 * bundles and the dev CA reads its certificate; then runs on what it returns every check mesh4j
 * makes on certificates ({@link PemFuzzChecks#checkCertificates}).
 */
class PemCertificatesFuzzTest {

  @FuzzTest
  void certificates(byte[] pem) {
    List<X509Certificate> certs;
    try {
      certs = Pem.certificates(pem, "fuzz.pem");
    } catch (IllegalArgumentException e) {
      // names the file, so a bad mesh.tls.files.* setting is found from the message alone
      rejectedWithMessage(e, "fuzz.pem: ");
      return;
    }
    PemFuzzChecks.checkCertificates(certs);
  }
}
