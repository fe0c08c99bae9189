package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.support.ManualScheduler;
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

  /** A source whose polls run only when the test calls {@link ManualScheduler#runPeriodic()}. */
  X509Source startPolledByHand(ManualScheduler polls) {
    return X509Sources.files(cert(), key(), bundle(), TrustDomain.parse("example.org"), Duration.ofSeconds(1), polls, MeshClock.SYSTEM);
  }

  @Test
  void bundleEndingInAPartialPemBlockIsUnreadableCountedAndTheLastGoodBundleStays() throws Exception {
    TestCa next = TestCa.root("example.org");
    ca.svid(ID).writePem(cert(), key());
    String both = TestCa.pem(ca.certificate(), next.certificate());
    Files.writeString(bundle(), both);
    ManualScheduler polls = new ManualScheduler();
    try (X509Source src = startPolledByHand(polls)) {
      TrustBundleSet good = src.bundles();
      assertThat(good.allAuthorities()).hasSize(2);
      String first = TestCa.pem(ca.certificate());
      String second = TestCa.pem(next.certificate());
      // A rewrite read part-way into the second block: after "-", "-----BEGIN CERT", the header line, some base64.
      for (int cut : new int[] {1, 15, 28, 40, second.length() - 5}) {
        long failuresBefore = src.status().renewalFailures();
        Files.writeString(bundle(), first + second.substring(0, cut));
        polls.runPeriodic();
        assertThat(src.bundles()).as("bundle torn after %d bytes of its second block", cut).isEqualTo(good);
        assertThat(src.status().renewalFailures()).as("counted, cut %d", cut).isEqualTo(failuresBefore + 1);
        assertThat(src.status().lastFailure()).get().asString().startsWith(bundle().toString());
      }
      Files.writeString(bundle(), first + "-----BEGIN CERT");
      polls.runPeriodic();
      assertThat(src.status().lastFailure()).get().asString()
          .contains(bundle() + ": ends in a partial PEM block");
    } finally {
      polls.shutdownNow();
    }
  }

  @Test
  void certificateAndKeyFilesEndingInAPartialPemBlockAreUnreadableToo() throws Exception {
    TestCa intermediate = ca.intermediate();
    intermediate.svid(ID).writePem(cert(), key());
    ca.writeCertificatePem(bundle());
    ManualScheduler polls = new ManualScheduler();
    try (X509Source src = startPolledByHand(polls)) {
      X509Svid good = src.svid();
      TestCa.Issued next = intermediate.svid(ID);
      String leaf = TestCa.pem(next.leaf());
      // the chain file read after its leaf, in the intermediate's header
      Files.writeString(cert(), leaf + "-----BEGIN CERTIFI");
      Files.writeString(key(), next.privateKeyPem());
      polls.runPeriodic();
      assertThat(src.svid()).isEqualTo(good);
      assertThat(src.status().lastFailure()).get().asString().startsWith(cert() + ": ends in a partial PEM block");
      // a key file with a partial block after the key
      Files.writeString(cert(), next.certificatePem());
      Files.writeString(key(), next.privateKeyPem() + "-----BEGIN");
      polls.runPeriodic();
      assertThat(src.svid()).isEqualTo(good);
      assertThat(src.status().lastFailure()).get().asString().startsWith(key() + ": ends in a partial PEM block");
      assertThat(src.status().renewalFailures()).isEqualTo(2);
      Files.writeString(key(), next.privateKeyPem());
      polls.runPeriodic();
      polls.runPeriodic();
      assertThat(src.svid().serialNumber()).isEqualTo(next.leaf().getSerialNumber());
    } finally {
      polls.shutdownNow();
    }
  }

  @Test
  void aRewriteReadAtABlockBoundaryIsNotUsedUntilTwoPollsReadTheSameContent() throws Exception {
    TestCa old = TestCa.root("example.org");
    TestCa next = TestCa.root("example.org");
    ca.svid(ID).writePem(cert(), key());
    Files.writeString(bundle(), TestCa.pem(ca.certificate(), old.certificate()));
    ManualScheduler polls = new ManualScheduler();
    try (X509Source src = startPolledByHand(polls)) {
      TrustBundleSet good = src.bundles();
      // A rewrite to (ca, next) read when only its first block was written: complete PEM, one root short.
      Files.writeString(bundle(), TestCa.pem(ca.certificate()));
      polls.runPeriodic();
      assertThat(src.bundles()).isEqualTo(good);
      Files.writeString(bundle(), TestCa.pem(ca.certificate(), next.certificate()));
      polls.runPeriodic();
      assertThat(src.bundles()).as("read once: not yet").isEqualTo(good);
      polls.runPeriodic();
      assertThat(src.bundles().allAuthorities()).containsExactly(ca.certificate(), next.certificate());
      assertThat(src.status().renewalFailures()).isZero();
    } finally {
      polls.shutdownNow();
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
