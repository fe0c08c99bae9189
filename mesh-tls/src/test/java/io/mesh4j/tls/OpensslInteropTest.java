package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.testing.ExternalProcess;
import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.support.TlsFixtures.Server;
import io.mesh4j.tls.support.TlsFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interop with a non-Java TLS stack: openssl s_server and s_client with dev-ca SVIDs. */
class OpensslInteropTest {

  static final SpiffeId FRONTEND = SpiffeId.parse("spiffe://example.org/frontend");
  static final SpiffeId ORDERS = SpiffeId.parse("spiffe://example.org/orders");

  @TempDir Path dir;
  ScheduledExecutorService scheduler;
  X509Source frontend;
  X509Source orders;
  ExternalProcess server;
  Process openssl;

  @BeforeEach
  void start() {
    ExternalProcess.require("openssl", "openssl");
    scheduler = Executors.newSingleThreadScheduledExecutor();
    frontend = X509Sources.devCa(dir.resolve("ca"), FRONTEND, Duration.ofHours(1), scheduler, MeshClock.SYSTEM);
    orders = X509Sources.devCa(dir.resolve("ca"), ORDERS, Duration.ofHours(1), scheduler, MeshClock.SYSTEM);
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.close();
    }
    if (openssl != null) {
      openssl.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    frontend.close();
    orders.close();
    scheduler.shutdownNow();
  }

  @Test
  void okHttpWithMeshTlsTalksToOpensslServerRequiringAClientSvid() throws Exception {
    Path cert = dir.resolve("orders.pem");
    Path key = dir.resolve("orders_key.pem");
    PemFiles.writeSvid(orders.svid(), cert, key);
    int port = ExternalProcess.freePort();
    server = ExternalProcess.start(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port,
        "-cert", cert.toString(), "-key", key.toString(), "-CAfile", dir.resolve("ca/ca.pem").toString(),
        "-Verify", "2", "-verify_return_error", "-tls1_3", "-www"), dir.resolve("s_server.log"))
        .awaitPort(port, Duration.ofSeconds(10));
    MeshTls tls = MeshTls.builder(frontend).build();
    OkHttpClient client = TlsFixtures.meshClient(tls, "orders", ORDERS);
    try (Response r = client.newCall(new Request.Builder().url("https://127.0.0.1:" + port + "/").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.handshake().tlsVersion().javaName()).isEqualTo("TLSv1.3");
      // -www echoes the session, including the client certificate openssl verified
      assertThat(r.body().string()).contains("Client certificate");
    } finally {
      TlsFixtures.shutdown(client);
      tls.close();
    }
  }

  @Test
  void opensslClientWithAnSvidIsAcceptedByMeshTlsServerAndIdentified() throws Exception {
    Path cert = dir.resolve("frontend.pem");
    Path key = dir.resolve("frontend_key.pem");
    PemFiles.writeSvid(frontend.svid(), cert, key);
    MeshTls tls = MeshTls.builder(orders).build();
    try (Server server = Server.mesh(MeshTlsServer.create(tls, CallerPolicy.allow(FRONTEND)))) {
      openssl = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
          "-cert", cert.toString(), "-key", key.toString(), "-CAfile", dir.resolve("ca/ca.pem").toString(),
          "-verify_return_error", "-tls1_3", "-quiet")
          .redirectErrorStream(true).start();
      openssl.getOutputStream().write("GET / HTTP/1.1\r\nHost: orders\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      openssl.getOutputStream().flush();
      assertThat(openssl.waitFor(20, TimeUnit.SECONDS)).isTrue();
      String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(out).contains("HTTP/1.1 200").contains(FRONTEND.toString());
    }
    tls.close();
  }

  @Test
  void opensslClientWithoutACertificateIsRefused() throws Exception {
    MeshTls tls = MeshTls.builder(orders).build();
    try (Server server = Server.mesh(MeshTlsServer.create(tls, CallerPolicy.allow(FRONTEND)))) {
      openssl = new ProcessBuilder(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
          "-CAfile", dir.resolve("ca/ca.pem").toString(), "-tls1_3", "-quiet"))
          .redirectErrorStream(true).start();
      openssl.getOutputStream().write("GET / HTTP/1.1\r\nHost: orders\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      openssl.getOutputStream().flush();
      assertThat(openssl.waitFor(20, TimeUnit.SECONDS)).isTrue();
      String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      // The server aborts the handshake (alert, EOF or reset, depending on timing): no HTTP at all.
      assertThat(out).contains("verify return:1").doesNotContain("HTTP/1.1");
    }
    tls.close();
  }
}
