package io.mesh4j.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.tls.SpiffeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificates the dev CA builds with {@link Der}, read back by the JDK and by openssl. */
class CertificateIssuerTest {

  static final Instant NOW = Instant.parse("2026-12-01T10:15:30.750Z");
  static final SpiffeId ORDERS = SpiffeId.parse("spiffe://example.org/orders");

  @TempDir Path dir;

  @Test
  void theCaIsASelfSignedV3CaForSigningCertificatesOnly() throws Exception {
    KeyPair kp = KeyPairs.newEcP256();
    X509Certificate ca = CertificateIssuer.selfSignedCa(kp, "mesh4j dev CA t", NOW, Duration.ofDays(3650));
    ca.verify(kp.getPublic());
    assertThat(ca.getVersion()).isEqualTo(3);
    assertThat(ca.getSubjectX500Principal()).isEqualTo(ca.getIssuerX500Principal());
    assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=mesh4j dev CA t,O=mesh4j");
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(ca.getKeyUsage()).startsWith(false, false, false, false, false, true, true); // keyCertSign, cRLSign
    assertThat(ca.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
    assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(ca.getNotBefore().toInstant()).isEqualTo(Instant.parse("2026-12-01T10:14:30Z")); // backdated, whole s
    assertThat(ca.getNotAfter().toInstant()).isEqualTo(Instant.parse("2036-11-28T10:15:30Z"));
  }

  @Test
  void anSvidHasOneUriSanBothKeyPurposesAndKeyIdentifiersThatChainToTheCa() throws Exception {
    KeyPair caKey = KeyPairs.newEcP256();
    X509Certificate ca = CertificateIssuer.selfSignedCa(caKey, "ca", NOW, Duration.ofDays(30));
    KeyPair leafKey = KeyPairs.newEcP256();
    X509Certificate leaf = CertificateIssuer.svid(ORDERS, leafKey.getPublic(), ca, caKey.getPrivate(), NOW, Duration.ofHours(1));
    leaf.verify(caKey.getPublic());
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("O=SPIFFE");
    assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(6, "spiffe://example.org/orders"));
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getKeyUsage()).containsExactly(true, false, false, false, false, false, false, false, false);
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(Instant.parse("2026-12-01T11:15:30Z"));
    // authorityKeyIdentifier [0] = the CA's subjectKeyIdentifier
    byte[] caSki = Arrays.copyOfRange(ca.getExtensionValue("2.5.29.14"), 4, 24);
    assertThat(leaf.getExtensionValue("2.5.29.35")).endsWith(caSki);
    assertThat(LeafCertificates.checkLeaf(leaf, LeafCertificates.Purpose.ANY)).isEqualTo(ORDERS);
  }

  @Test
  void anSvidNeverOutlivesItsCa() throws Exception {
    KeyPair caKey = KeyPairs.newEcP256();
    X509Certificate ca = CertificateIssuer.selfSignedCa(caKey, "ca", NOW, Duration.ofMinutes(30));
    X509Certificate leaf = CertificateIssuer.svid(ORDERS, KeyPairs.newEcP256().getPublic(), ca, caKey.getPrivate(), NOW,
        Duration.ofHours(1));
    assertThat(leaf.getNotAfter()).isEqualTo(ca.getNotAfter());
  }

  @Test
  void datesFrom2050AreGeneralizedTimeAndReadBackExactly() throws Exception {
    KeyPair kp = KeyPairs.newEcP256();
    Instant late = Instant.parse("2049-12-31T23:30:00Z");
    X509Certificate ca = CertificateIssuer.selfSignedCa(kp, "ca", late, Duration.ofDays(365));
    assertThat(ca.getNotBefore().toInstant()).isEqualTo(Instant.parse("2049-12-31T23:29:00Z")); // UTCTime
    assertThat(ca.getNotAfter().toInstant()).isEqualTo(Instant.parse("2050-12-31T23:30:00Z")); // GeneralizedTime
    assertThat(HexFormat.of().formatHex(Der.time(Instant.parse("2050-01-01T00:00:00Z"))))
        .isEqualTo("180f" + HexFormat.of().formatHex("20500101000000Z".getBytes()));
    assertThat(HexFormat.of().formatHex(Der.time(Instant.parse("2049-12-31T23:59:59.999Z"))))
        .isEqualTo("170d" + HexFormat.of().formatHex("491231235959Z".getBytes()));
  }

  @Test
  void derEncodesOidsIntegersAndLongLengthsAsX690Says() {
    assertThat(HexFormat.of().formatHex(Der.oid("2.5.29.19"))).isEqualTo("0603551d13");
    assertThat(HexFormat.of().formatHex(Der.oid("1.2.840.10045.4.3.2"))).isEqualTo("06082a8648ce3d040302");
    assertThat(HexFormat.of().formatHex(Der.integer(java.math.BigInteger.valueOf(128)))).isEqualTo("02020080");
    assertThat(Der.octetString(new byte[127])).startsWith(0x04, 0x7f);
    assertThat(Der.octetString(new byte[128])).startsWith(0x04, 0x81, 0x80);
    assertThat(Der.octetString(new byte[300])).startsWith(0x04, 0x82, 0x01, 0x2c).hasSize(304);
  }

  @Test
  void opensslVerifiesTheSvidAgainstTheCaForBothPurposes() throws Exception {
    io.mesh4j.testing.ExternalProcess.require("openssl", "openssl");
    KeyPair caKey = KeyPairs.newEcP256();
    X509Certificate ca = CertificateIssuer.selfSignedCa(caKey, "ca", Instant.now(), Duration.ofDays(1));
    X509Certificate leaf = CertificateIssuer.svid(ORDERS, KeyPairs.newEcP256().getPublic(), ca, caKey.getPrivate(),
        Instant.now(), Duration.ofHours(1));
    Path caFile = Files.writeString(dir.resolve("ca.pem"), JdkPem.encode("CERTIFICATE", ca.getEncoded()));
    Path leafFile = Files.writeString(dir.resolve("leaf.pem"), JdkPem.encode("CERTIFICATE", leaf.getEncoded()));
    for (String purpose : List.of("sslserver", "sslclient")) {
      Process p = new ProcessBuilder("openssl", "verify", "-purpose", purpose, "-CAfile", caFile.toString(),
          leafFile.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as(out).isZero();
      assertThat(out).contains(leafFile + ": OK");
    }
  }
}
