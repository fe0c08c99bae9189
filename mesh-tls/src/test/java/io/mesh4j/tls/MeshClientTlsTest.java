package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.support.TlsFixtures;
import io.mesh4j.tls.support.TlsFixtures.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end through main's MeshClient: properties file, ServiceLoader, pipeline, mTLS. */
class MeshClientTlsTest {

  @TempDir Path dir;

  @Test
  void meshClientCallsAServiceOverMutualTlsAndRejectsAnImpostor() throws Exception {
    Path ca = dir.resolve("ca");
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    X509Source ordersSrc = X509Sources.devCa(ca, SpiffeId.parse("spiffe://example.org/orders"), Duration.ofHours(1), scheduler, MeshClock.SYSTEM);
    X509Source impostorSrc = X509Sources.devCa(ca, SpiffeId.parse("spiffe://example.org/impostor"), Duration.ofHours(1), scheduler, MeshClock.SYSTEM);
    CallerPolicy frontendOnly = CallerPolicy.allow(SpiffeId.parse("spiffe://example.org/frontend"));
    try (Server orders = Server.mesh(MeshTlsServer.create(MeshTls.builder(ordersSrc).build(), frontendOnly));
        Server impostor = Server.mesh(MeshTlsServer.create(MeshTls.builder(impostorSrc).build(), frontendOnly))) {
      Path props = dir.resolve("mesh.properties");
      Files.writeString(props, String.join("\n",
          "mesh.service=frontend",
          "mesh.trust-domain=example.org",
          "mesh.tls.dev-ca.dir=" + ca,
          "mesh.services.orders.endpoints=127.0.0.1:" + orders.port(),
          "mesh.services.payments.endpoints=127.0.0.1:" + impostor.port(),
          ""));
      try (MeshClient mesh = MeshClient.fromProperties(props)) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        try (Response r = http.newCall(new Request.Builder().url("http://orders/items/42").build()).execute()) {
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.body().string()).isEqualTo("spiffe://example.org/frontend");
          assertThat(r.handshake()).isNotNull();
        }
        assertThatThrownBy(() -> http.newCall(new Request.Builder().url("http://payments/x").build()).execute())
            .hasStackTraceContaining("expected spiffe://example.org/payments, got spiffe://example.org/impostor");
        TlsFixtures.shutdown(http);
      }
    } finally {
      ordersSrc.close();
      impostorSrc.close();
      scheduler.shutdownNow();
    }
  }

  @Test
  void meshRequestsNegotiateHttp2OverMutualTlsWithTheServiceAsAuthority() throws Exception {
    Path ca = dir.resolve("ca");
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    X509Source ordersSrc = X509Sources.devCa(ca, SpiffeId.parse("spiffe://example.org/orders"), Duration.ofHours(1), scheduler, MeshClock.SYSTEM);
    MeshTls ordersTls = MeshTls.builder(ordersSrc).build();
    try (mockwebserver3.MockWebServer server = new mockwebserver3.MockWebServer()) {
      server.useHttps(ordersTls.serverContext().getSocketFactory());
      server.requireClientAuth();
      server.enqueue(new mockwebserver3.MockResponse.Builder().body("h2").build());
      server.enqueue(new mockwebserver3.MockResponse.Builder().body("h2 again").build());
      server.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
      Path props = dir.resolve("mesh.properties");
      Files.writeString(props, String.join("\n",
          "mesh.service=frontend",
          "mesh.trust-domain=example.org",
          "mesh.tls.dev-ca.dir=" + ca,
          "mesh.services.orders.endpoints=127.0.0.1:" + server.getPort(),
          ""));
      try (MeshClient mesh = MeshClient.fromProperties(props)) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        for (String expected : new String[] {"h2", "h2 again"}) {
          try (Response r = http.newCall(new Request.Builder().url("http://orders/items").build()).execute()) {
            assertThat(r.protocol()).isEqualTo(okhttp3.Protocol.HTTP_2);
            assertThat(r.body().string()).isEqualTo(expected);
            assertThat(PeerIdentity.of(r.handshake())).hasToString("spiffe://example.org/orders");
          }
        }
        mockwebserver3.RecordedRequest first = server.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(first.getUrl().host()).isEqualTo("orders"); // :authority carries the service name
        assertThat(first.getHandshake().peerCertificates()).isNotEmpty(); // the client presented its SVID
        mockwebserver3.RecordedRequest second = server.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(second.getConnectionIndex()).isEqualTo(first.getConnectionIndex()); // one multiplexed connection
        TlsFixtures.shutdown(http);
      }
    } finally {
      ordersTls.close();
      ordersSrc.close();
      scheduler.shutdownNow();
    }
  }

  @Test
  void filesSourcePollsOnAThreadOfItsOwnThatCloseStops() throws Exception {
    io.mesh4j.testing.tls.TestCa ca = io.mesh4j.testing.tls.TestCa.root("example.org");
    Path cert = dir.resolve("svid.pem");
    Path key = dir.resolve("svid_key.pem");
    Path bundle = dir.resolve("bundle.pem");
    ca.svid("spiffe://example.org/frontend").writePem(cert, key);
    PemFiles.writeBundle(TrustBundle.of(TrustDomain.parse("example.org"), java.util.List.of(ca.certificate())), bundle);
    io.mesh4j.testing.LeakCheck leaks = io.mesh4j.testing.LeakCheck.snapshot();
    MeshClient mesh =
        MeshClient.builder()
            .service("frontend")
            .environment(java.util.Map.of())
            .systemProperties(new java.util.Properties())
            .property("mesh.trust-domain", "example.org")
            .property("mesh.tls.source", "files")
            .property("mesh.tls.files.cert", cert.toString())
            .property("mesh.tls.files.key", key.toString())
            .property("mesh.tls.files.bundle", bundle.toString())
            .build();
    assertThat(io.mesh4j.testing.LeakCheck.meshThreads())
        .extracting(Thread::getName)
        .anyMatch(n -> n.startsWith("mesh4j-tls-files-"));
    mesh.close();
    leaks.assertNoNewMeshThreads();
  }

  /** A plain-HTTP JDK server answering "plain": what a not-yet-migrated backend looks like. */
  private static com.sun.net.httpserver.HttpServer plainServer() throws java.io.IOException {
    var server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      byte[] b = "plain".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (var os = ex.getResponseBody()) {
        os.write(b);
      }
    });
    server.start();
    return server;
  }

  @Test
  void oneServiceStaysPlaintextWhileAnotherUsesMutualTlsAndAPlaintextBackendFailsFast() throws Exception {
    Path ca = dir.resolve("ca");
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    X509Source ordersSrc = X509Sources.devCa(ca, SpiffeId.parse("spiffe://example.org/orders"), Duration.ofHours(1), scheduler, MeshClock.SYSTEM);
    var plain = plainServer();
    try (Server orders = Server.mesh(MeshTlsServer.create(MeshTls.builder(ordersSrc).build(),
        CallerPolicy.allow(SpiffeId.parse("spiffe://example.org/frontend"))))) {
      int plainPort = plain.getAddress().getPort();
      Path props = dir.resolve("mesh.properties");
      Files.writeString(props, String.join("\n",
          "mesh.service=frontend",
          "mesh.trust-domain=example.org",
          "mesh.tls.dev-ca.dir=" + ca,
          "mesh.tls.handshake-timeout=500ms",
          "mesh.services.orders.endpoints=127.0.0.1:" + orders.port(),
          "mesh.services.legacy.endpoints=127.0.0.1:" + plainPort,
          "mesh.services.legacy.tls.mode=disabled",
          // the same plaintext backend, but nobody told the mesh: strict mTLS by default
          "mesh.services.forgotten.endpoints=127.0.0.1:" + plainPort,
          ""));
      try (MeshClient mesh = MeshClient.fromProperties(props)) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        try (Response r = http.newCall(new Request.Builder().url("http://legacy/x").build()).execute()) {
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.body().string()).isEqualTo("plain");
          assertThat(r.handshake()).isNull();
        }
        try (Response r = http.newCall(new Request.Builder().url("http://orders/items/42").build()).execute()) {
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.body().string()).isEqualTo("spiffe://example.org/frontend");
          assertThat(r.handshake()).isNotNull();
        }
        // The JDK HttpServer reads the ClientHello as the start of a request line and waits for
        // more: without a handshake deadline this hangs until the read timeout with "Read timed out".
        // After the deadline the probe ends that line and the server answers 400 (or 404 when the
        // ClientHello's random bytes happen to split into a method and a URI outside every context).
        long started = System.nanoTime();
        assertThatThrownBy(() -> http.newCall(new Request.Builder().url("http://forgotten/x").build()).execute())
            .isInstanceOf(io.mesh4j.TlsMismatchException.class)
            .hasMessageContaining("TLS handshake with 127.0.0.1:" + plainPort + " (service 'forgotten')")
            .satisfies(t -> assertThat(t.getMessage())
                .containsPattern("'HTTP/1\\.1 40[04] (Bad Request|Not Found)', after no answer to the ClientHello within 500ms"))
            .hasMessageContaining("is the endpoint serving plaintext?")
            .hasMessageContaining("mesh.services.forgotten.tls.mode=disabled");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        TlsFixtures.shutdown(http);
      }
    } finally {
      plain.stop(0);
      ordersSrc.close();
      scheduler.shutdownNow();
    }
  }

  @Test
  void aMisspeltModeIsReportedOnceWithASuggestion() throws Exception {
    Path props = dir.resolve("mesh.properties");
    Files.writeString(props, "mesh.service=frontend\nmesh.tls.mode=strick\n");
    assertThatThrownBy(() -> MeshClient.fromProperties(props).close())
        .hasMessageContaining("unknown TLS mode 'strick', did you mean 'strict'? (expected: strict, permissive or disabled)")
        .satisfies(e -> assertThat(e.getMessage().split("expected", -1)).hasSize(2));
  }
}
