package io.mesh4j.tls.internal;

import static io.mesh4j.testing.fuzz.FuzzTargets.rejectedWithMessage;
import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.SpiffeId;
import io.mesh4j.tls.TrustBundle;
import io.mesh4j.tls.TrustBundleSet;
import io.mesh4j.tls.TrustDomain;
import io.mesh4j.tls.X509Svid;
import io.mesh4j.tls.internal.LeafCertificates.Purpose;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.List;

/**
 * What mesh4j does with certificates and keys read from files or presented by peers, and what it
 * promises about each step, shared by the mesh-tls PEM fuzz targets.
 */
final class PemFuzzChecks {

  static final TrustDomain TRUST_DOMAIN = TrustDomain.parse(PemFuzzSeeds.TRUST_DOMAIN);
  /** Certificate validity is judged at this fixed time, so a seed means the same thing every year. */
  static final MeshClock CLOCK =
      new MeshClock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long wallMillis() {
          return PemFuzzSeeds.CLOCK.toEpochMilli();
        }
      };

  /** A valid SVID (chain and key) and its bundle, written by {@link PemFuzzSeeds}. */
  static final List<X509Certificate> FIXTURE_CHAIN = Pem.certificates(fixture("svid.pem"), "svid.pem");
  static final PrivateKey FIXTURE_KEY = Pem.privateKey(fixture("svid-key.pem"), "svid-key.pem");
  static final List<X509Certificate> FIXTURE_BUNDLE = Pem.certificates(fixture("bundle.pem"), "bundle.pem");
  static final SpiffeTrustManager TRUST_MANAGER =
      new SpiffeTrustManager(() -> TrustBundleSet.of(TrustBundle.of(TRUST_DOMAIN, FIXTURE_BUNDLE)), CLOCK);

  private PemFuzzChecks() {}

  /**
   * Runs every check mesh4j makes on certificates it reads (as an SVID chain, a bundle, a peer's
   * chain) and asserts each fails only in its documented way. Only entry points whose signatures
   * are settled are called (the leaf rule runs inside X509Svid.of and the trust manager).
   */
  static void checkCertificates(List<X509Certificate> certs) {
    assertThat(certs).isNotEmpty();
    // what mesh4j writes (PemFiles, the dev CA) it reads back unchanged
    assertThat(Pem.certificates(Pem.write(certs).getBytes(StandardCharsets.US_ASCII), "rewritten.pem"))
        .isEqualTo(certs);
    for (int i = 0; i < certs.size(); i++) {
      X509Certificate cert = certs.get(i);
      assertThat(LeafCertificates.describe(cert)).isNotBlank();
      try {
        LeafCertificates.uriSans(cert);
      } catch (CertificateParsingException e) {
        // the declared way to say the SAN extension is unreadable
      }
      try {
        SpiffeId id = LeafCertificates.spiffeIdOf(cert);
        assertThat(id.hasPath()).isTrue();
      } catch (IllegalArgumentException e) {
        rejectedWithMessage(e, null);
      }
      try {
        LeafCertificates.checkSigningCert(cert, i);
      } catch (IllegalArgumentException e) {
        rejectedWithMessage(e, null);
      }
    }
    try {
      TrustBundle bundle = TrustBundle.of(TRUST_DOMAIN, certs);
      assertThat(certs).containsAll(bundle.authorities());
      assertThat(bundle.authorities()).allMatch(c -> c.getBasicConstraints() >= 0);
    } catch (IllegalArgumentException e) {
      rejectedWithMessage(e, "trust bundle for " + TRUST_DOMAIN);
    }
    try {
      X509Svid.of(certs, FIXTURE_KEY);
    } catch (IllegalArgumentException e) {
      rejectedWithMessage(e, null);
    }
    checkPeerChain(certs);
    List<X509Certificate> withRoot = new ArrayList<>(certs);
    withRoot.addAll(FIXTURE_BUNDLE);
    checkPeerChain(withRoot);
  }

  /** The handshake's check of a peer chain: a CertificateException is its only way to refuse. */
  static void checkPeerChain(List<X509Certificate> chain) {
    for (Purpose purpose : new Purpose[] {Purpose.SERVER, Purpose.CLIENT}) {
      try {
        SpiffeId id = TRUST_MANAGER.verify(chain.toArray(new X509Certificate[0]), purpose);
        assertThat(id.trustDomain()).isEqualTo(TRUST_DOMAIN);
      } catch (CertificateException e) {
        assertThat(e.getMessage()).as("peer rejection message").isNotBlank();
      }
    }
  }

  /**
   * Runs what mesh4j does with a private key it read: writes it back (PemFiles) and pairs it with
   * an SVID's leaf.
   */
  static void checkKey(PrivateKey key) {
    PrivateKey reread =
        Pem.privateKey(Pem.writePkcs8(key).getBytes(StandardCharsets.US_ASCII), "rewritten-key.pem");
    assertThat(reread.getEncoded()).isEqualTo(key.getEncoded());
    X509Svid svid;
    try {
      svid = X509Svid.of(FIXTURE_CHAIN, key);
    } catch (IllegalArgumentException e) {
      rejectedWithMessage(e, null);
      return;
    }
    // only the leaf's own private key is taken: the same EC private value (modulo the curve's
    // order, as signing uses it), however encoded
    assertThat(key).isInstanceOf(ECPrivateKey.class);
    BigInteger order = ((ECPrivateKey) FIXTURE_KEY).getParams().getOrder();
    assertThat(((ECPrivateKey) key).getS().mod(order)).isEqualTo(((ECPrivateKey) FIXTURE_KEY).getS());
    assertThat(svid.leaf()).isEqualTo(FIXTURE_CHAIN.get(0));
  }

  private static byte[] fixture(String name) {
    try (InputStream in = PemFuzzChecks.class.getResourceAsStream("fuzz-fixture/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource fuzz-fixture/" + name + " (run PemFuzzSeeds)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
