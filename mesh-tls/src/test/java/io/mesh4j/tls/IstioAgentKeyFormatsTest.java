package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.testing.ExternalProcess;
import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.time.MeshClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files source reads the private keys istio-agent writes to /var/lib/istio/data/key.pem: Go's
 * x509.MarshalPKCS1PrivateKey ("RSA PRIVATE KEY") and x509.MarshalECPrivateKey ("EC PRIVATE KEY",
 * SEC1 with the curve and the public key), not only PKCS#8. openssl writes the same encodings.
 */
class IstioAgentKeyFormatsTest {

  static final String ID = "spiffe://cluster.local/ns/default/sa/frontend";
  @TempDir Path dir;
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  final TestCa ca = TestCa.root("cluster.local");

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private X509Source start(Path cert, Path key, Path bundle) {
    return X509Sources.files(cert, key, bundle, TrustDomain.parse("cluster.local"), Duration.ofMillis(50), scheduler,
        MeshClock.SYSTEM);
  }

  /** Rewrites the PKCS#8 key at {@code pkcs8} in openssl's traditional encoding of its algorithm. */
  private Path traditional(Path pkcs8, String algorithmCommand) throws Exception {
    ExternalProcess.require("openssl", "openssl");
    Path out = dir.resolve(algorithmCommand + "-key.pem");
    List<String> command = algorithmCommand.equals("rsa")
        ? List.of("openssl", "rsa", "-traditional", "-in", pkcs8.toString(), "-out", out.toString())
        : List.of("openssl", "ec", "-in", pkcs8.toString(), "-out", out.toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return out;
  }

  @Test
  void aPkcs1RsaPrivateKeyAsIstioAgentWritesItIsAccepted() throws Exception {
    Path cert = dir.resolve("cert-chain.pem");
    Path pkcs8 = dir.resolve("pkcs8.pem");
    TestCa.Issued issued = ca.leaf().uris(ID).rsa().issue();
    issued.writePem(cert, pkcs8);
    Path key = traditional(pkcs8, "rsa");
    Path bundle = ca.writeCertificatePem(dir.resolve("root-cert.pem"));

    assertThat(Files.readString(key)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    try (X509Source src = start(cert, key, bundle)) {
      assertThat(src.svid().privateKey().getAlgorithm()).isEqualTo("RSA");
      assertThat(src.svid().privateKey().getEncoded()).isEqualTo(issued.privateKey().getEncoded());
    }
  }

  @Test
  void aSec1EcPrivateKeyAsIstioAgentWritesItIsAccepted() throws Exception {
    Path cert = dir.resolve("cert-chain.pem");
    Path pkcs8 = dir.resolve("pkcs8.pem");
    TestCa.Issued issued = ca.svid(ID);
    issued.writePem(cert, pkcs8);
    Path key = traditional(pkcs8, "ec");
    Path bundle = ca.writeCertificatePem(dir.resolve("root-cert.pem"));

    assertThat(Files.readString(key)).startsWith("-----BEGIN EC PRIVATE KEY-----");
    try (X509Source src = start(cert, key, bundle)) {
      assertThat(src.svid().privateKey().getAlgorithm()).isIn("EC", "ECDSA");
      assertThat(src.svid().serialNumber()).isEqualTo(issued.leaf().getSerialNumber());
    }
  }
}
