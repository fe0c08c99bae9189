package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.MeshTimeoutException;
import io.mesh4j.TlsMismatchException;
import io.mesh4j.testing.LeakCheck;
import io.mesh4j.testing.PlainNginx;
import io.mesh4j.tls.support.TlsFixtures;
import io.mesh4j.tls.support.TlsFixtures.PlainServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plaintext backend behind a mesh route that uses mTLS by default (nobody set its tls.mode):
 * real plaintext peers (the JDK HttpServer, nginx without ssl, a socket that never answers), a real
 * MeshClient with the defaults, the error type and message as the caller sees them, and what the
 * peer received.
 */
class PlaintextBackendTest {

  @TempDir Path dir;
  private LeakCheck leaks;

  @BeforeEach
  void snapshot() {
    leaks = LeakCheck.snapshot();
  }

  @AfterEach
  void nothingLeaks() {
    leaks.assertNoNewMeshThreads();
  }

  private MeshClient mesh(int port, String... more) {
    MeshClient.Builder b = MeshClient.builder()
        .service("frontend")
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.trust-domain", "example.org")
        .property("mesh.tls.dev-ca.dir", dir.resolve("ca").toString())
        .property("mesh.services.legacy.endpoints", "127.0.0.1:" + port);
    for (int i = 0; i < more.length; i += 2) {
      b.property(more[i], more[i + 1]);
    }
    return b.build();
  }

  private static void call(OkHttpClient http) throws IOException {
    http.newCall(new Request.Builder().url("http://legacy/orders").build()).execute().close();
  }

  @Test
  void aJdkHttpServerThatWaitsForTheRequestLineFailsWithinASecondNamingTheServiceKey() throws Exception {
    try (PlainServer plain = new PlainServer(); MeshClient mesh = mesh(plain.port())) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (String which : new String[] {"first", "second"}) { // the first one pays for class loading
        long started = System.nanoTime();
        assertThatThrownBy(() -> call(http))
            .isInstanceOf(TlsMismatchException.class)
            // the JDK server rejects the ClientHello's bytes as a request line: 400, or 404 when its
            // random bytes happen to split into a method and a URI outside every context
            .satisfies(t -> assertThat(t.getMessage().replace("'HTTP/1.1 404 Not Found'", "'HTTP/1.1 400 Bad Request'"))
                .isEqualTo("TLS handshake with 127.0.0.1:" + plain.port() + " (service 'legacy'): the server answered"
                + " with plaintext, not TLS ('HTTP/1.1 400 Bad Request', after no answer to the ClientHello within"
                + " 750ms and a probe of two empty lines); is the endpoint serving plaintext? Call it over plaintext"
                + " with mesh.services.legacy.tls.mode=disabled (or mesh.tls.mode=disabled for all services), or"
                + " serve TLS there; see docs/tls.md"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.println("plaintext JDK HttpServer behind mTLS: " + which + " call failed after " + took.toMillis()
            + " ms");
        // generous bounds (the figure: ~0.8 s warm); before, the handshake alone waited 5 s
        assertThat(took).isLessThan(Duration.ofSeconds(which.equals("first") ? 5 : 3));
      }
      assertThat(plain.requests()).as("no request reached the backend's handler").isZero();
      TlsFixtures.shutdown(http);
    }
  }

  @Test
  void nginxWithoutSslAnswersTheClientHelloWithA400AndTheCallFailsAtOnce() throws Exception {
    try (PlainNginx nginx = PlainNginx.start(dir.resolve("nginx"), 1);
        MeshClient mesh = mesh(nginx.ports().get(0))) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (String which : new String[] {"first", "second"}) { // the first one pays for class loading
        long started = System.nanoTime();
        assertThatThrownBy(() -> call(http))
            .isInstanceOf(TlsMismatchException.class)
            .hasMessageStartingWith("TLS handshake with 127.0.0.1:" + nginx.ports().get(0) + " (service 'legacy'): the"
                + " server answered with plaintext, not TLS (bytes that are not a TLS record: ")
            .hasMessageContaining("is the endpoint serving plaintext? Call it over plaintext with"
                + " mesh.services.legacy.tls.mode=disabled");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.println("plaintext nginx behind mTLS: " + which + " call failed after " + took.toMillis() + " ms");
        assertThat(took).isLessThan(Duration.ofSeconds(which.equals("first") ? 5 : 3));
      }
      // nginx read each ClientHello as a request and answered 400: one request per call, on that port
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(nginx.accessLog())
          .containsExactly(nginx.ports().get(0) + " 400", nginx.ports().get(0) + " 400"));
      TlsFixtures.shutdown(http);
    }
  }

  @Test
  void thePlaintextServiceWorksOnceItsTlsModeIsDisabled() throws Exception {
    try (PlainServer plain = new PlainServer();
        MeshClient mesh = mesh(plain.port(), "mesh.services.legacy.tls.mode", "disabled")) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      try (var r = http.newCall(new Request.Builder().url("http://legacy/orders").build()).execute()) {
        assertThat(r.body().string()).isEqualTo("plain");
      }
      assertThat(plain.requests()).isEqualTo(1);
      TlsFixtures.shutdown(http);
    }
  }

  @Test
  void aSocketThatNeverAnswersIsAHungEndpointNotAMismatch() throws Exception {
    try (SilentServer silent = new SilentServer(); MeshClient mesh = mesh(silent.port())) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      long started = System.nanoTime();
      assertThatThrownBy(() -> call(http))
          .isInstanceOf(SocketTimeoutException.class)
          .isNotInstanceOf(TlsMismatchException.class)
          .hasMessage("TLS handshake with 127.0.0.1:" + silent.port() + ": no TLS answer from the server within 750ms,"
              + " nor to a plaintext HTTP probe (the endpoint is hung, or speaks neither TLS nor HTTP; if it serves"
              + " plaintext: a plaintext backend needs mesh.services.<name>.tls.mode=disabled, see docs/tls.md)");
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      System.out.println("silent socket behind mTLS failed after " + took.toMillis() + " ms");
      assertThat(took).as("generous bound (the figure: ~1 s); before, 5 s").isLessThan(Duration.ofSeconds(5));
      // what the peer got: a TLS ClientHello (record type 22), then the probe
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        byte[] got = silent.received();
        assertThat(got.length).isGreaterThan(10);
        assertThat(got[0]).isEqualTo((byte) 0x16);
        int helloRecord = 5 + (((got[3] & 0xff) << 8) | (got[4] & 0xff));
        assertThat(got.length).isGreaterThanOrEqualTo(helloRecord + 4);
        assertThat(new String(got, helloRecord, 4, StandardCharsets.ISO_8859_1)).isEqualTo("\r\n\r\n");
      });
      TlsFixtures.shutdown(http);
    }
  }

  @Test
  void aTimeoutShorterThanTheHandshakeDeadlineKeepsTheHintInItsMessage() throws Exception {
    try (PlainServer plain = new PlainServer();
        MeshClient mesh = mesh(plain.port(), "mesh.services.legacy.timeout", "300ms")) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      assertThatThrownBy(() -> call(http))
          .isInstanceOf(MeshTimeoutException.class)
          .hasMessageStartingWith("request to service 'legacy' timed out after 300ms (mesh.services.legacy.timeout)"
              + " during: TLS handshake with 127.0.0.1:" + plain.port() + " cut short after ")
          .hasMessageContaining("before the server completed it; if the server never answered the ClientHello, is"
              + " the endpoint serving plaintext? A plaintext backend needs mesh.services.<name>.tls.mode=disabled");
      TlsFixtures.shutdown(http);
    }
  }

  @Test
  void aTimeoutLongerThanTheDetectionGivesTheMismatchNotATimeout() throws Exception {
    try (PlainServer plain = new PlainServer();
        MeshClient mesh = mesh(plain.port(), "mesh.services.legacy.timeout", "3s")) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      assertThatThrownBy(() -> call(http))
          .isInstanceOf(TlsMismatchException.class)
          .hasMessageContaining("mesh.services.legacy.tls.mode=disabled");
      TlsFixtures.shutdown(http);
    }
  }

  /** Accepts connections and reads them, never writing a byte: a hung server. */
  static final class SilentServer implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final Thread acceptor;

    SilentServer() throws IOException {
      acceptor = new Thread(this::serve, "silent-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void serve() {
      try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) > 0; ) {
          synchronized (received) {
            received.write(buf, 0, n);
          }
        }
      } catch (IOException e) {
        // closed by the test
      }
    }

    int port() {
      return server.getLocalPort();
    }

    byte[] received() {
      synchronized (received) {
        return received.toByteArray();
      }
    }

    @Override
    public void close() throws Exception {
      server.close();
      acceptor.join(5000);
    }
  }
}
