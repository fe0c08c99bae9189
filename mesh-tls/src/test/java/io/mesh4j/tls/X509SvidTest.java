package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshException;
import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.tls.internal.JdkVersionGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

class X509SvidTest {

  final TestCa ca = TestCa.root("example.org");

  static X509Svid of(TestCa.Issued i) {
    return X509Svid.of(i.chain(), i.privateKey());
  }

  @Test
  void acceptsAValidSvidWithIntermediates() {
    TestCa inter = ca.intermediate().intermediate();
    X509Svid svid = of(inter.svid("spiffe://example.org/orders"));
    assertThat(svid.chain()).hasSize(3);
    assertThat(svid.toString()).contains("spiffe://example.org/orders").doesNotContain("BEGIN");
  }

  @Test
  void rejectsEveryX509SvidViolationWithAClearMessage() {
    assertThatThrownBy(() -> of(ca.leaf().issue())).hasMessageContaining("has no URI SAN");
    assertThatThrownBy(() -> of(ca.leaf().uris("spiffe://example.org/a", "spiffe://example.org/b").issue()))
        .hasMessageContaining("has 2 URI SANs");
    assertThatThrownBy(() -> of(ca.leaf().uris("spiffe://example.org").issue())).hasMessageContaining("bare trust domain");
    assertThatThrownBy(() -> of(ca.leaf().uris("https://example.org/a").issue())).hasMessageContaining("scheme must be 'spiffe://'");
    assertThatThrownBy(() -> of(ca.leaf().uris("spiffe://example.org/a").ca().issue())).hasMessageContaining("is a CA certificate");
    assertThatThrownBy(() -> of(ca.leaf().uris("spiffe://example.org/a").keyUsage(KeyUsage.keyEncipherment).issue()))
        .hasMessageContaining("lacks digitalSignature");
    assertThatThrownBy(() -> of(ca.leaf().uris("spiffe://example.org/a").keyUsage(0).issue()))
        .hasMessageContaining("no key usage");
    assertThatThrownBy(() -> of(ca.leaf().uris("spiffe://example.org/a").keyUsage(KeyUsage.digitalSignature | KeyUsage.cRLSign).issue()))
        .hasMessageContaining("keyCertSign or cRLSign");
  }

  @Test
  void ownSvidsAndPeerLeavesAreHeldToTheSameRule() {
    var peers = new io.mesh4j.tls.internal.SpiffeTrustManager(
        () -> io.mesh4j.tls.support.TlsFixtures.bundles("example.org", ca), io.mesh4j.time.MeshClock.SYSTEM);
    String id = "spiffe://example.org/a";
    Map<String, TestCa.Issued> bad = new java.util.LinkedHashMap<>();
    bad.put("has no key usage", ca.leaf().uris(id).keyUsage(0).issue());
    bad.put("lacks digitalSignature", ca.leaf().uris(id).keyUsage(KeyUsage.keyEncipherment).issue());
    bad.put("keyCertSign or cRLSign", ca.leaf().uris(id).keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign).issue());
    bad.put("is a CA certificate", ca.leaf().uris(id).ca().issue());
    bad.put("has 2 URI SANs", ca.leaf().uris(id, "spiffe://example.org/b").issue());
    bad.put("extended key usage", ca.leaf().uris(id).extendedKeyUsage(false, false).issue()); // codeSigning only
    for (Map.Entry<String, TestCa.Issued> e : bad.entrySet()) {
      TestCa.Issued leaf = e.getValue();
      assertThatThrownBy(() -> of(leaf)).as("own SVID: " + e.getKey()).hasMessageContaining(e.getKey());
      java.security.cert.X509Certificate[] chain = leaf.chain().toArray(new java.security.cert.X509Certificate[0]);
      assertThatThrownBy(() -> peers.checkClientTrusted(chain, "EC")).as("calling peer: " + e.getKey())
          .hasMessageContaining(e.getKey());
      assertThatThrownBy(() -> peers.checkServerTrusted(chain, "EC")).as("serving peer: " + e.getKey())
          .hasMessageContaining(e.getKey());
    }
    // keyEncipherment or keyAgreement beside digitalSignature is allowed, for both
    TestCa.Issued ok = ca.leaf().uris(id).keyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement).noExtendedKeyUsage().issue();
    assertThat(of(ok).spiffeId()).hasToString(id);
    assertThatCode(() -> peers.checkServerTrusted(ok.chain().toArray(new java.security.cert.X509Certificate[0]), "EC"))
        .doesNotThrowAnyException();
  }

  @Test
  void rejectsAKeyThatDoesNotMatchTheLeaf() {
    TestCa.Issued a = ca.svid("spiffe://example.org/a");
    TestCa.Issued b = ca.svid("spiffe://example.org/a");
    assertThatThrownBy(() -> X509Svid.of(a.chain(), b.privateKey()))
        .hasMessageContaining("private key does not match the leaf certificate's public key");
  }

  @Test
  void rejectsANonCaCertificateAsSigner() {
    TestCa.Issued leaf = ca.svid("spiffe://example.org/a");
    List<java.security.cert.X509Certificate> chain = new ArrayList<>(leaf.chain());
    chain.add(ca.svid("spiffe://example.org/b").leaf());
    assertThatThrownBy(() -> X509Svid.of(chain, leaf.privateKey())).hasMessageContaining("certificate 1 of the chain signs others but is not a CA");
  }

  @Test
  void trustBundleHoldsOnlyCas() {
    assertThatThrownBy(() -> TrustBundle.of(TrustDomain.parse("example.org"), List.of(ca.svid("spiffe://example.org/a").leaf())))
        .hasMessageContaining("non-CA certificate");
    assertThatThrownBy(() -> TrustBundle.of(TrustDomain.parse("example.org"), List.of())).hasMessageContaining("no authorities");
  }

  @Test
  void refusesJdksWithTheEcdsaSignatureBug() {
    for (String v : List.of("15.0.2", "16", "17", "17.0.1", "17.0.2", "18")) {
      assertThatThrownBy(() -> JdkVersionGuard.check(Runtime.Version.parse(v)))
          .isInstanceOf(MeshException.class).hasMessageContaining("CVE-2022-21449");
    }
    for (String v : List.of("17.0.3", "17.0.15", "18.0.1", "21.0.5")) {
      JdkVersionGuard.check(Runtime.Version.parse(v));
    }
  }

  @Test
  void statusReportsRotationsAndFailures() {
    ManualX509Source src = ManualX509Source.of(of(ca.svid("spiffe://example.org/a")), io.mesh4j.tls.support.TlsFixtures.bundles("example.org", ca));
    List<SvidStatus> seen = new ArrayList<>();
    src.addStatusListener(seen::add);
    X509Svid next = of(ca.svid("spiffe://example.org/a"));
    src.update(next, src.bundles());
    src.reportFailure("agent unreachable");
    SvidStatus s = src.status();
    assertThat(s.rotations()).isEqualTo(1);
    assertThat(s.renewalFailures()).isEqualTo(1);
    assertThat(s.lastFailure()).isEqualTo(Optional.of("agent unreachable"));
    assertThat(s.serialHex()).isEqualTo(next.serialNumber().toString(16));
    assertThat(s.secondsToExpiry()).isBetween(3000L, 3600L);
    assertThat(seen).hasSize(2);
  }
}
