package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.mesh4j.MeshClient;
import io.mesh4j.testing.ExternalProcess;
import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.internal.LeafCertificates;
import io.mesh4j.tls.support.Nginx;
import io.mesh4j.tls.support.TlsFixtures;
import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with nginx (OpenSSL) as the mesh server: nginx serves TLS 1.3 with an orders SVID from
 * the dev CA and requires a client certificate from the same bundle; a real {@link MeshClient}
 * calls {@code http://orders/} through it. nginx has no variable for URI SANs, so it echoes the
 * client certificate ({@code $ssl_client_escaped_cert}) and the test reads its SPIFFE ID.
 */
class NginxInteropTest {

  static final SpiffeId FRONTEND = SpiffeId.parse("spiffe://mesh.local/frontend");
  static final SpiffeId ORDERS = SpiffeId.parse("spiffe://mesh.local/orders");
  static final SpiffeId PAYMENTS = SpiffeId.parse("spiffe://mesh.local/payments");

  @TempDir Path dir;
  Path ca;
  ScheduledExecutorService scheduler;
  Nginx nginx;

  @BeforeEach
  void setUp() {
    ExternalProcess.require("nginx", "nginx-light");
    ca = dir.resolve("ca");
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    try {
      if (nginx != null) {
        nginx.close();
      }
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void meshClientCallsNginxOverMutualTlsAndNginxSeesTheFrontendSvid() throws Exception {
    int port = startNginx(devCaSvid(ORDERS));
    try (MeshClient mesh = frontendMesh(port)) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
        String body = r.body().string();
        assertThat(r.code()).as(body).isEqualTo(200);
        assertThat(r.handshake().tlsVersion().javaName()).isEqualTo("TLSv1.3");
        assertThat(PeerIdentity.of(r.handshake())).isEqualTo(ORDERS);
        Map<String, String> seen = parse(body);
        assertThat(seen.get("verify")).as(body).isEqualTo("SUCCESS");
        assertThat(seen.get("host")).as("the backend sees Host: orders, as through a sidecar").isEqualTo("orders");
        X509Certificate clientCert = certificate(URLDecoder.decode(seen.get("cert"), StandardCharsets.UTF_8));
        assertThat(LeafCertificates.spiffeIdOf(clientCert)).isEqualTo(FRONTEND);
        assertThat(seen.get("s_dn")).isEqualTo(clientCert.getSubjectX500Principal().getName());
      } finally {
        TlsFixtures.shutdown(http);
      }
    }
  }

  @Test
  void nginxServingAnotherSpiffeIdIsRejectedNamingExpectedAndActual() throws Exception {
    int port = startNginx(devCaSvid(PAYMENTS));
    try (MeshClient mesh = frontendMesh(port)) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      Throwable t = catchThrowable(() -> http.newCall(new Request.Builder().url("http://orders/").build()).execute().close());
      TlsFixtures.shutdown(http);
      PeerIdentityException e = causeOf(t, PeerIdentityException.class);
      assertThat(e.expected()).containsExactly(ORDERS);
      assertThat(e.actual()).isEqualTo(PAYMENTS);
      assertThat(e).hasMessageContaining("expected spiffe://mesh.local/orders, got spiffe://mesh.local/payments");
      assertThat(nginx.output()).doesNotContain("[emerg]");
    }
  }

  @Test
  void nginxWithACertificateFromAnotherCaFailsTheHandshake() throws Exception {
    // Same SPIFFE ID, other root: only the chain check can tell them apart.
    TestCa other = TestCa.root("mesh.local");
    int port = startNginx(TlsFixtures.svid(other.svid(ORDERS.toString())));
    try (MeshClient mesh = frontendMesh(port)) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      Throwable t = catchThrowable(() -> http.newCall(new Request.Builder().url("http://orders/").build()).execute().close());
      TlsFixtures.shutdown(http);
      assertThat(t).isInstanceOf(SSLException.class)
          .hasMessageContaining("peer spiffe://mesh.local/orders rejected: chain does not verify against the trust bundle of mesh.local");
    }
  }

  @Test
  void aClientWithoutAnSvidGetsNginxsNoRequiredCertificate400() throws Exception {
    int port = startNginx(devCaSvid(ORDERS));
    // A plain OkHttp that trusts the bundle and checks the server's SPIFFE ID itself (the SVID
    // has no DNS/IP SAN for OkHttp's default host name check), but has no certificate of its own.
    X509Certificate root = certificate(Files.readString(ca.resolve("ca.pem")));
    SSLContext noSvid = TlsFixtures.rawContext(null, null, root);
    X509TrustManager trust = trustManager(root);
    OkHttpClient plain = new OkHttpClient.Builder()
        .sslSocketFactory(noSvid.getSocketFactory(), trust)
        .hostnameVerifier((host, session) -> {
          try {
            return PeerIdentity.of(session).equals(ORDERS);
          } catch (SSLPeerUnverifiedException e) {
            return false;
          }
        })
        .build();
    try (Response r = plain.newCall(new Request.Builder().url("https://127.0.0.1:" + port + "/").build()).execute()) {
      assertThat(r.code()).isEqualTo(400);
      assertThat(r.body().string()).contains("No required SSL certificate was sent");
    } finally {
      TlsFixtures.shutdown(plain);
    }
  }

  // --- fixtures ---

  /** An SVID for {@code id} from the dev CA in {@link #ca} (the one the frontend's mesh uses). */
  X509Svid devCaSvid(SpiffeId id) throws Exception {
    try (X509Source source = X509Sources.devCa(ca, id, Duration.ofHours(1), scheduler, MeshClock.SYSTEM)) {
      return source.svid();
    }
  }

  MeshClient frontendMesh(int port) {
    return MeshClient.builder()
        .service("frontend")
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.tls.dev-ca.dir", ca.toString())
        .property("mesh.services.orders.endpoints", "127.0.0.1:" + port)
        .build();
  }

  /** Starts nginx serving {@code svid} with mTLS against the dev CA's bundle; returns its port. */
  int startNginx(X509Svid svid) throws Exception {
    devCaSvid(FRONTEND); // makes sure the dev CA exists, whatever the server's SVID came from
    nginx = Nginx.start(dir.resolve("nginx"), svid, ca.resolve("ca.pem"));
    return nginx.port();
  }

  static Map<String, String> parse(String body) {
    Map<String, String> out = new java.util.HashMap<>();
    for (String line : body.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  static X509Certificate certificate(String pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  static X509TrustManager trustManager(X509Certificate root) throws Exception {
    java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("root", root);
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
    tmf.init(ts);
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }

  static <T extends Throwable> T causeOf(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + t, t);
  }
}
