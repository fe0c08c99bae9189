package io.mesh4j.tls;

import io.mesh4j.tls.internal.KeyPairs;
import io.mesh4j.tls.internal.LeafCertificates;
import io.mesh4j.tls.internal.LeafCertificates.Purpose;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An X.509 SPIFFE Verifiable Identity Document: a certificate chain (leaf first) and the leaf's
 * private key, validated per the X509-SVID standard when built. Immutable.
 */
public final class X509Svid {

  private final SpiffeId spiffeId;
  private final List<X509Certificate> chain;
  private final PrivateKey privateKey;

  private X509Svid(SpiffeId spiffeId, List<X509Certificate> chain, PrivateKey privateKey) {
    this.spiffeId = spiffeId;
    this.chain = chain;
    this.privateKey = privateKey;
  }

  /**
   * Validates and wraps a chain and key: the leaf follows the X509-SVID leaf rules peers are held
   * to as well (exactly one URI SAN that is a SPIFFE ID with a path; not a CA; key usage with
   * digitalSignature, without keyCertSign/cRLSign; an extended key usage, if any, allowing
   * serverAuth or clientAuth); every further certificate is a CA with keyCertSign; the key
   * belongs to the leaf. Validity dates are not
   * checked here (see {@link #isValidAt}).
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static X509Svid of(List<X509Certificate> chain, PrivateKey privateKey) {
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(privateKey, "privateKey");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("X509-SVID chain is empty");
    }
    X509Certificate leaf = chain.get(0);
    SpiffeId id = LeafCertificates.checkLeaf(leaf, Purpose.ANY); // the rule peers are held to

    for (int i = 1; i < chain.size(); i++) {
      LeafCertificates.checkSigningCert(chain.get(i), i);
    }
    if (!KeyPairs.matches(privateKey, leaf.getPublicKey())) {
      throw new IllegalArgumentException(
          "private key does not match the leaf certificate's public key (" + id + ")");
    }
    return new X509Svid(id, List.copyOf(chain), privateKey);
  }

  public SpiffeId spiffeId() {
    return spiffeId;
  }

  /** Leaf first, then any intermediates. */
  public List<X509Certificate> chain() {
    return chain;
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  public BigInteger serialNumber() {
    return leaf().getSerialNumber();
  }

  public Instant notBefore() {
    return leaf().getNotBefore().toInstant();
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /** True when the leaf is valid at {@code epochMillis}. */
  public boolean isValidAt(long epochMillis) {
    return epochMillis >= leaf().getNotBefore().getTime() && epochMillis <= leaf().getNotAfter().getTime();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof X509Svid && ((X509Svid) o).chain.equals(chain);
  }

  @Override
  public int hashCode() {
    return chain.hashCode();
  }

  /** Identity, serial and validity; never the key or the whole certificate. */
  @Override
  public String toString() {
    return "X509Svid{" + spiffeId + ", " + LeafCertificates.describe(leaf()) + "}";
  }
}
