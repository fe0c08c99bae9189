package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.MeshClient;
import io.mesh4j.testing.ExternalProcess.Result;
import io.mesh4j.testing.ExternalProcess;
import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.tls.support.TlsFixtures.Server;
import io.mesh4j.tls.support.TlsFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with curl (OpenSSL) as the mesh client: a backend served by {@link MeshTlsServer} from
 * an orders {@link MeshClient} (files source) is called by curl with a client SVID.
 *
 * <p>Host names: curl verifies the server's chain against {@code --cacert} <em>and</em> its host
 * name, and cannot check a SPIFFE ID (a URI SAN). A dev-ca SVID has only the URI SAN (and no CN),
 * so curl would refuse it for any host name; {@code --insecure} would switch off the chain check
 * too, and {@code --pinnedpubkey} would break at the first rotation. The X509-SVID standard
 * allows SAN types besides the one URI SAN, so the orders SVID here is issued (by a TestCa, served
 * through {@code mesh.tls.source=files}) with an extra IP SAN 127.0.0.1: curl checks the chain and
 * the address properly, and mesh4j still takes the identity from the URI SAN only. This is what a
 * real deployment does when non-SPIFFE clients call a mesh workload: its CA adds a DNS/IP SAN.
 */
class CurlInteropTest {

  static final SpiffeId FRONTEND = SpiffeId.parse("spiffe://mesh.local/frontend");
  static final SpiffeId ORDERS = SpiffeId.parse("spiffe://mesh.local/orders");
  static final SpiffeId PAYMENTS = SpiffeId.parse("spiffe://mesh.local/payments");

  @TempDir Path dir;
  TestCa ca;
  Path bundle;
  MeshClient orders;
  Server server;

  @BeforeEach
  void startOrders() throws Exception {
    ExternalProcess.require("curl", "curl");
    ca = TestCa.root("mesh.local");
    bundle = dir.resolve("bundle.pem");
    PemFiles.writeBundle(TrustBundle.of(TrustDomain.parse("mesh.local"), List.of(ca.certificate())), bundle);
    Path cert = dir.resolve("orders.pem");
    Path key = dir.resolve("orders-key.pem");
    PemFiles.writeSvid(TlsFixtures.svid(ca.leaf().uris(ORDERS.toString()).ipAddresses("127.0.0.1").issue()), cert, key);
    orders = MeshClient.builder()
        .service("orders")
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.tls.source", "files")
        .property("mesh.tls.files.cert", cert.toString())
        .property("mesh.tls.files.key", key.toString())
        .property("mesh.tls.files.bundle", bundle.toString())
        .build();
    MeshTlsServer tls = orders.extension(MeshTlsExtension.class).orElseThrow().server(CallerPolicy.allow(FRONTEND));
    // answers 200 with the caller's ID from tls.authorize(session), or 403 with its message
    server = Server.mesh(tls);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (orders != null) {
        orders.close();
      }
    }
  }

  @Test
  void curlWithAFrontendSvidIsServedAndIdentified() throws Exception {
    Result r = curl(clientSvid("frontend", ca.svid(FRONTEND.toString())));
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdout()).as(r.describe()).isEqualTo(FRONTEND + "\nstatus=200");
    assertThat(r.stderr()).contains("TLSv1.3");
  }

  @Test
  void curlWithAnSvidThePolicyDoesNotAllowGets403NamingCallerAndPolicy() throws Exception {
    Result r = curl(clientSvid("payments", ca.svid(PAYMENTS.toString())));
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdout()).as(r.describe())
        .contains("caller spiffe://mesh.local/payments at ")
        .contains("is not allowed by CallerPolicy allow(spiffe://mesh.local/frontend)")
        .endsWith("status=403");
  }

  @Test
  void curlWithoutAClientCertificateFailsTheHandshake() throws Exception {
    Result r = curl(List.of());
    assertRefusedInTheHandshake(r);
  }

  @Test
  void curlWithAnExpiredSvidIsRefused() throws Exception {
    // X509Svid.of would refuse an expired SVID, so this one is written by TestCa itself.
    TestCa.Issued expired = ca.leaf().uris(FRONTEND.toString()).expired().issue();
    Path cert = dir.resolve("expired.pem");
    Path key = dir.resolve("expired-key.pem");
    expired.writePem(cert, key);
    Result r = curl(List.of("--cert", cert.toString(), "--key", key.toString()));
    assertRefusedInTheHandshake(r);
  }

  @Test
  void curlRefusesTheMeshServerWhenItTrustsAnotherCa() throws Exception {
    // Shows curl really verifies the chain here (no --insecure): another root, exit 60.
    Path otherBundle = TestCa.root("mesh.local").writeCertificatePem(dir.resolve("other-bundle.pem"));
    Result r = ExternalProcess.run(curlCommand(otherBundle, clientSvid("frontend", ca.svid(FRONTEND.toString()))),
        dir, Duration.ofSeconds(15));
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(60);
  }

  /**
   * In TLS 1.3 the client's handshake is complete (for curl) before the server has checked the
   * client certificate, so curl sends its request and then learns of the refusal: the JDK
   * HttpsServer closes the connection without a TLS alert ("Empty reply from server", 52); with an
   * alert curl says 56, or 35 when it arrives during the handshake. Never an HTTP response.
   */
  static void assertRefusedInTheHandshake(Result r) {
    assertThat(r.exitCode()).as(r.describe()).isIn(35, 52, 56);
    assertThat(r.stdout()).as(r.describe()).isEqualTo("\nstatus=000");
    assertThat(r.stderr()).as(r.describe()).doesNotContain("< HTTP/");
  }

  /** Writes {@code issued} with PemFiles (key 0600) and returns curl's --cert/--key arguments. */
  List<String> clientSvid(String name, TestCa.Issued issued) throws Exception {
    Path cert = dir.resolve(name + ".pem");
    Path key = dir.resolve(name + "-key.pem");
    PemFiles.writeSvid(TlsFixtures.svid(issued), cert, key);
    return List.of("--cert", cert.toString(), "--key", key.toString());
  }

  Result curl(List<String> clientArgs) throws Exception {
    return ExternalProcess.run(curlCommand(bundle, clientArgs), dir, Duration.ofSeconds(15));
  }

  List<String> curlCommand(Path trust, List<String> clientArgs) {
    List<String> cmd = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--verbose",
        "--noproxy", "*", "--max-time", "10", "--tlsv1.3", "--cacert", trust.toString()));
    cmd.addAll(clientArgs);
    cmd.addAll(List.of("--write-out", "\\nstatus=%{http_code}", server.url()));
    return cmd;
  }
}
