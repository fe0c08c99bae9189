package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.tls.support.ManualClock;
import io.mesh4j.tls.support.Nginx;
import io.mesh4j.tls.support.TlsFixtures;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS sessions against nginx (OpenSSL, {@code ssl_verify_client on}, session tickets on): what
 * nginx logs per request ({@code $ssl_client_serial}, {@code $ssl_session_reused}) is what the
 * server really saw. A resumed session carries the client certificate of its first handshake, so
 * a rotated SVID must mean full handshakes, and an expired server must not be resumed with.
 */
class NginxSessionTest {

  static final String TD = "mesh.local";
  static final SpiffeId FRONTEND = SpiffeId.parse("spiffe://mesh.local/frontend");
  static final SpiffeId ORDERS = SpiffeId.parse("spiffe://mesh.local/orders");

  @TempDir Path dir;
  final TestCa ca = TestCa.root(TD);
  Nginx nginx;

  @AfterEach
  void stop() throws InterruptedException {
    if (nginx != null) {
      nginx.close();
    }
  }

  @Test
  void afterTheFilesSourcePicksUpARotatedSvidNginxSeesItsSerialOnTheFirstNewConnectionAndNoRequestFails()
      throws Exception {
    Path cert = dir.resolve("svid.pem");
    Path key = dir.resolve("svid_key.pem");
    Path bundle = ca.writeCertificatePem(dir.resolve("bundle.pem"));
    ca.svid(FRONTEND.toString()).writePem(cert, key);
    nginx = Nginx.start(dir.resolve("nginx"), TlsFixtures.svid(ca.svid(ORDERS.toString())), bundle);
    TestCa.Issued next = ca.svid(FRONTEND.toString());
    try (MeshClient mesh = MeshClient.builder()
        .service("frontend")
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.tls.source", "files")
        .property("mesh.tls.files.cert", cert.toString())
        .property("mesh.tls.files.key", key.toString())
        .property("mesh.tls.files.bundle", bundle.toString())
        .property("mesh.tls.files.poll-interval", "50ms")
        .property("mesh.services.orders.endpoints", "127.0.0.1:" + nginx.port())
        .build()) {
      X509Source source = mesh.extension(MeshTlsExtension.class).orElseThrow().source().orElseThrow();
      AtomicBoolean pickedUp = new AtomicBoolean();
      // Called once the source published the SVID (after the key manager has it).
      source.addStatusListener(s -> pickedUp.compareAndSet(false, new BigInteger(s.serialHex(), 16).equals(next.leaf().getSerialNumber())));
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      try (Load load = new Load(http, 6, pickedUp)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> nginx.accessLog().stream().filter(Nginx.Request::sessionReused).count() >= 5);
        // spiffe-helper style: each file written elsewhere and renamed over the old one
        atomicWrite(cert, next.certificatePem());
        atomicWrite(key, next.privateKeyPem());
        await().atMost(Duration.ofSeconds(10)).untilTrue(pickedUp);
        await().atMost(Duration.ofSeconds(20)).until(() -> newConnectionsAfterPickup().size() >= 20
            && newConnectionsAfterPickup().stream().anyMatch(Nginx.Request::sessionReused));
        load.stop();
        assertThat(load.failures()).as("requests that failed during the rotation").isEmpty();
        assertThat(load.ok()).isGreaterThan(50);
      }
      List<Nginx.Request> after = newConnectionsAfterPickup();
      BigInteger rotated = next.leaf().getSerialNumber();
      assertThat(after.get(0).clientSerial()).as("the first connection opened after the pick-up: %s", after.get(0))
          .isEqualTo(rotated);
      assertThat(after).as("every connection opened after the pick-up").allSatisfy(r -> assertThat(r.clientSerial()).isEqualTo(rotated));
      // Resumption still works, within one SVID: before the rotation and with the new SVID after it.
      assertThat(nginx.accessLog()).filteredOn(r -> r.phase().equals("before") && r.firstOnConnection()).anyMatch(Nginx.Request::sessionReused);
      assertThat(after).anyMatch(Nginx.Request::sessionReused);
    }
  }

  /** nginx's lines for connections whose first request started after the SVID was picked up, in accept order. */
  private List<Nginx.Request> newConnectionsAfterPickup() throws IOException {
    return nginx.accessLog().stream()
        .filter(r -> r.phase().equals("after") && r.firstOnConnection())
        .sorted(Comparator.comparingLong(Nginx.Request::connection))
        .toList();
  }

  @Test
  void theClientDoesNotResumeASessionWithNginxOnceNginxsCertificateHasExpired() throws Exception {
    Path bundle = ca.writeCertificatePem(dir.resolve("bundle.pem"));
    nginx = Nginx.start(dir.resolve("nginx"), TlsFixtures.svid(ca.leaf().uris(ORDERS.toString()).validFor(Duration.ofMinutes(10)).issue()), bundle);
    ManualClock clock = new ManualClock();
    Instant now = Instant.now();
    X509Svid frontend = TlsFixtures.svid(ca.leaf().uris(FRONTEND.toString()).validity(now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(1))).issue());
    MeshTls tls = MeshTls.builder(ManualX509Source.of(frontend, TlsFixtures.bundles(TD, ca), clock)).clock(clock).build();
    OkHttpClient client = TlsFixtures.meshClient(tls, "orders", ORDERS);
    try {
      getOnANewConnection(client);
      getOnANewConnection(client);
      assertThat(nginx.accessLog()).extracting(Nginx.Request::sessionReused).as("full handshake, then resumed").containsExactly(false, true);
      clock.advance(Duration.ofMinutes(11)); // nginx's certificate has expired for the client
      assertThatThrownBy(() -> getOnANewConnection(client))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("peer " + ORDERS + " rejected: certificate expired at");
      assertThat(nginx.accessLog()).as("requests nginx answered").hasSize(2);
    } finally {
      TlsFixtures.shutdown(client);
      tls.close();
    }
  }

  private void getOnANewConnection(OkHttpClient client) throws IOException {
    client.connectionPool().evictAll();
    try (Response r = client.newCall(new Request.Builder().url(nginx.url()).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      r.body().string();
    }
  }

  private void atomicWrite(Path target, String text) throws IOException {
    Path tmp = Files.createTempFile(dir, "tmp", ".pem");
    Files.writeString(tmp, text);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Request loops on several threads until stopped: half keep connections alive, half close them
   * after each request, so new connections keep being opened. Each request says whether it
   * started after the rotated SVID was picked up (header {@code X-Phase}, in nginx's log).
   */
  static final class Load implements AutoCloseable {
    private final ExecutorService threads;
    private final List<Future<?>> loops = new ArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger ok = new AtomicInteger();

    Load(OkHttpClient http, int n, AtomicBoolean pickedUp) {
      threads = Executors.newFixedThreadPool(n);
      for (int i = 0; i < n; i++) {
        boolean close = i % 2 == 0;
        loops.add(threads.submit(() -> {
          while (!stopped.get()) {
            Request.Builder b = new Request.Builder().url("http://orders/")
                .header("X-Phase", pickedUp.get() ? "after" : "before");
            if (close) {
              b.header("Connection", "close");
            }
            try (Response r = http.newCall(b.build()).execute()) {
              String body = r.body().string();
              if (r.code() == 200) {
                ok.incrementAndGet();
              } else {
                failures.add(r.code() + " " + body);
              }
            } catch (IOException | RuntimeException e) {
              failures.add(e.toString());
            }
          }
        }));
      }
    }

    void stop() throws Exception {
      stopped.set(true);
      for (Future<?> f : loops) {
        f.get(30, TimeUnit.SECONDS);
      }
    }

    List<String> failures() {
      return List.copyOf(failures);
    }

    int ok() {
      return ok.get();
    }

    @Override
    public void close() throws InterruptedException {
      stopped.set(true);
      threads.shutdownNow();
      threads.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
