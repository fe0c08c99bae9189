package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.time.MeshClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesSourceTest {

  static final String ID = "spiffe://example.org/frontend";
  @TempDir Path dir;
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  final TestCa ca = TestCa.root("example.org");

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  Path cert() { return dir.resolve("svid.pem"); }
  Path key() { return dir.resolve("svid_key.pem"); }
  Path bundle() { return dir.resolve("bundle.pem"); }

  X509Source start() {
    return X509Sources.files(cert(), key(), bundle(), TrustDomain.parse("example.org"), Duration.ofMillis(50), scheduler, MeshClock.SYSTEM);
  }

  /** Writes to a temp file in the same directory, then renames over the target (what spiffe-helper does). */
  void atomicWrite(Path target, String text) throws Exception {
    Path tmp = Files.createTempFile(dir, "tmp", ".pem");
    Files.writeString(tmp, text);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void loadsAndPicksUpAnAtomicRenameOfCertAndKey() throws Exception {
    ca.svid(ID).writePem(cert(), key());
    ca.writeCertificatePem(bundle());
    try (X509Source src = start()) {
      String first = src.status().serialHex();
      TestCa.Issued next = ca.svid(ID);
      atomicWrite(cert(), next.certificatePem()); // for a moment cert and key disagree: rejected, last good stays
      assertThat(src.svid().serialNumber().toString(16)).isEqualTo(first);
      atomicWrite(key(), next.privateKeyPem());
      await().atMost(Duration.ofSeconds(5)).until(() -> src.svid().serialNumber().equals(next.leaf().getSerialNumber()));
      assertThat(src.status().rotations()).isEqualTo(1);
    }
  }

  @Test
  void picksUpAnInPlaceRewrite() throws Exception {
    ca.svid(ID).writePem(cert(), key());
    ca.writeCertificatePem(bundle());
    try (X509Source src = start()) {
      TestCa.Issued next = ca.svid(ID);
      next.writePem(cert(), key());
      await().atMost(Duration.ofSeconds(5)).until(() -> src.svid().serialNumber().equals(next.leaf().getSerialNumber()));
    }
  }

  @Test
  void halfWrittenCertificateIsRejectedNamingTheFileAndTheLastGoodStays() throws Exception {
    ca.svid(ID).writePem(cert(), key());
    ca.writeCertificatePem(bundle());
    try (X509Source src = start()) {
      X509Svid good = src.svid();
      String pem = ca.svid(ID).certificatePem();
      Files.writeString(cert(), pem.substring(0, pem.length() / 2));
      await().atMost(Duration.ofSeconds(5)).until(() -> src.status().renewalFailures() > 0);
      assertThat(src.status().lastFailure()).get().asString().contains(cert().toString()).contains("malformed PEM");
      assertThat(src.svid()).isEqualTo(good);
    }
  }

  @Test
  void malformedPemAtStartupFailsNamingTheFile() throws Exception {
    ca.svid(ID).writePem(cert(), key());
    ca.writeCertificatePem(bundle());
    Files.writeString(key(), "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(this::start).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(key().toString()).hasMessageContaining("malformed PEM private key");
  }

  @Test
  void mismatchedKeyAndCertificateFailNamingBothFiles() throws Exception {
    ca.svid(ID).writePem(cert(), dir.resolve("unused.pem"));
    Files.writeString(key(), ca.svid(ID).privateKeyPem());
    ca.writeCertificatePem(bundle());
    assertThatThrownBy(this::start)
        .hasMessageContaining(cert().toString()).hasMessageContaining(key().toString())
        .hasMessageContaining("private key does not match the leaf certificate");
  }

  @Test
  void certificateNotSignedByTheBundleIsRejected() throws Exception {
    ca.svid(ID).writePem(cert(), key());
    TestCa.root("example.org").writeCertificatePem(bundle());
    assertThatThrownBy(this::start).hasMessageContaining("does not verify against the bundle in " + bundle());
  }

  @Test
  void svidOfAnotherTrustDomainIsRejected() throws Exception {
    TestCa other = TestCa.root("other.org");
    other.svid("spiffe://other.org/frontend").writePem(cert(), key());
    other.writeCertificatePem(bundle());
    assertThatThrownBy(this::start).hasMessageContaining("is not in trust domain example.org");
  }

  @Test
  void everyMissingFileIsNamedAtOnce() throws Exception {
    ca.writeCertificatePem(bundle());
    assertThatThrownBy(this::start)
        .hasMessage(cert() + ": file not found; " + key() + ": file not found");
  }

  @Test
  void rsaKeysAreAccepted() throws Exception {
    ca.leaf().uris(ID).rsa().issue().writePem(cert(), key());
    ca.writeCertificatePem(bundle());
    try (X509Source src = start()) {
      assertThat(src.svid().privateKey().getAlgorithm()).isEqualTo("RSA");
    }
  }
}
