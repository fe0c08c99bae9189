package io.mesh4j.tls.internal;

import static io.mesh4j.testing.fuzz.FuzzTargets.rejectedWithMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * Fuzzes private keys below the PEM armour, so that mutations reach key structures (odd curves,
 * out-of-range values) rather than break base64. The first byte picks the block type, the rest is
 * its DER.
 */
class PrivateKeyDerFuzzTest {

  static final String[] BLOCKS = {"PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"};

  @FuzzTest
  void der(byte[] typed) {
    if (typed.length == 0) {
      return;
    }
    String block = BLOCKS[Byte.toUnsignedInt(typed[0]) % BLOCKS.length];
    byte[] der = Arrays.copyOfRange(typed, 1, typed.length);
    String pem = "-----BEGIN " + block + "-----\n" + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END " + block + "-----\n";
    PrivateKey key;
    try {
      key = Pem.privateKey(pem.getBytes(StandardCharsets.US_ASCII), "fuzz-key.pem");
    } catch (IllegalArgumentException e) {
      rejectedWithMessage(e, "fuzz-key.pem: ");
      return;
    }
    PemFuzzChecks.checkKey(key);
  }
}
