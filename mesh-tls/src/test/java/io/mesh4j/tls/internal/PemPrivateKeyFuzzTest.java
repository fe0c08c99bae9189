package io.mesh4j.tls.internal;

import static io.mesh4j.testing.fuzz.FuzzTargets.rejectedWithMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.PrivateKey;

/**
 * Fuzzes {@link Pem#privateKey} with PEM text, as the files source and the dev CA read key files;
 * then pairs what it returns with an SVID ({@link PemFuzzChecks#checkKey}).
 */
class PemPrivateKeyFuzzTest {

  @FuzzTest
  void privateKey(byte[] pem) {
    PrivateKey key;
    try {
      key = Pem.privateKey(pem, "fuzz-key.pem");
    } catch (IllegalArgumentException e) {
      rejectedWithMessage(e, "fuzz-key.pem: ");
      return;
    }
    PemFuzzChecks.checkKey(key);
  }
}
