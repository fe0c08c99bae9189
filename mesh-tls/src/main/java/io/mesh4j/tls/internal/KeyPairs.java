package io.mesh4j.tls.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/** Key helpers. Keys come from the JDK providers so the JDK's TLS stack accepts them. */
public final class KeyPairs {

  private static final byte[] PROBE = "mesh4j key/certificate match probe".getBytes(StandardCharsets.US_ASCII);

  /**
   * The public half of each key pair {@link #newEcP256()} generated in this JVM, by its private
   * half (weak keys). Such a pair matches by construction, so {@link #matches} need not prove it
   * with a signature: on a cold JVM each EC signature or verification is a scalar multiplication
   * run by the interpreter, and the dev CA's first SVID used to pay for three of them.
   */
  private static final Map<PrivateKey, PublicKey> GENERATED = Collections.synchronizedMap(new WeakHashMap<>());

  private KeyPairs() {}

  public static KeyPair newEcP256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      GENERATED.put(kp.getPrivate(), kp.getPublic());
      return kp;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is not available in this JDK", e);
    }
  }

  /** True when {@code privateKey} signs what {@code publicKey} verifies (works for EC and RSA). */
  public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    PublicKey generatedWith = GENERATED.get(privateKey);
    if (generatedWith != null) {
      return generatedWith.equals(publicKey); // keys compare by their encoding
    }
    String alg;
    switch (publicKey.getAlgorithm()) {
      case "EC":
        alg = "SHA256withECDSA";
        break;
      case "RSA":
        alg = "SHA256withRSA";
        break;
      case "Ed25519":
      case "EdDSA":
        alg = "Ed25519";
        break;
      default:
        throw new IllegalArgumentException("unsupported key algorithm " + publicKey.getAlgorithm());
    }
    try {
      Signature s = Signature.getInstance(alg);
      s.initSign(privateKey);
      s.update(PROBE);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(publicKey);
      v.update(PROBE);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
