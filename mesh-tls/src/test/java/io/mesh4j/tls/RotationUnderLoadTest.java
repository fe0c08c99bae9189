package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.support.TlsFixtures;
import io.mesh4j.tls.support.TlsFixtures.Server;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many concurrent requests while SVIDs rotate and the CA rolls over: no request may fail. */
class RotationUnderLoadTest {

  static final SpiffeId FRONTEND = SpiffeId.parse("spiffe://example.org/frontend");
  static final SpiffeId ORDERS = SpiffeId.parse("spiffe://example.org/orders");

  @TempDir Path dir;

  /** Runs {@code threads} request loops until {@code done} or 20 s; returns failures. */
  private static List<Throwable> load(OkHttpClient client, String url, int threads, AtomicBoolean done,
      AtomicInteger ok) throws Exception {
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      fs.add(pool.submit(() -> {
        while (!done.get() && System.nanoTime() < deadline) {
          try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
            String body = r.body().string();
            if (r.code() != 200) {
              failures.add(new AssertionError(r.code() + " " + body));
            } else {
              ok.incrementAndGet();
            }
          } catch (Exception e) {
            failures.add(e);
          }
        }
      }));
    }
    for (Future<?> f : fs) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    return new ArrayList<>(failures);
  }

  @Test
  void svidsRotatingEverySecondUnderConcurrentLoadFailNoRequest() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    Duration ttl = Duration.ofSeconds(2);
    X509Source clientSrc = X509Sources.devCa(dir, FRONTEND, ttl, scheduler, MeshClock.SYSTEM);
    X509Source serverSrc = X509Sources.devCa(dir, ORDERS, ttl, scheduler, MeshClock.SYSTEM);
    MeshTls clientTls = MeshTls.builder(clientSrc).build();
    AtomicBoolean done = new AtomicBoolean();
    // stop once both sides rotated at least 3 times
    clientSrc.addStatusListener(s -> done.set(s.rotations() >= 3 && serverSrc.status().rotations() >= 3));
    try (Server server = Server.mesh(MeshTlsServer.create(MeshTls.builder(serverSrc).build(), CallerPolicy.allow(FRONTEND)))) {
      OkHttpClient client = TlsFixtures.meshClient(clientTls, "orders", ORDERS)
          .newBuilder().connectionPool(new okhttp3.ConnectionPool(2, 300, TimeUnit.MILLISECONDS)).build();
      AtomicInteger ok = new AtomicInteger();
      List<Throwable> failures = load(client, server.url(), 8, done, ok);
      assertThat(failures).isEmpty();
      assertThat(clientSrc.status().rotations()).isGreaterThanOrEqualTo(3);
      assertThat(serverSrc.status().rotations()).isGreaterThanOrEqualTo(3);
      assertThat(ok.get()).isGreaterThan(50);
      TlsFixtures.shutdown(client);
    } finally {
      clientTls.close();
      clientSrc.close();
      serverSrc.close();
      scheduler.shutdownNow();
    }
  }

  @Test
  void caRolloverWithOverlapFailsNoRequest() throws Exception {
    TestCa oldCa = TestCa.root("example.org");
    TestCa newCa = TestCa.root("example.org");
    ManualX509Source clientSrc = ManualX509Source.of(TlsFixtures.svid(oldCa.svid(FRONTEND.toString())), TlsFixtures.bundles("example.org", oldCa));
    ManualX509Source serverSrc = ManualX509Source.of(TlsFixtures.svid(oldCa.svid(ORDERS.toString())), TlsFixtures.bundles("example.org", oldCa));
    MeshTls clientTls = MeshTls.builder(clientSrc).build();
    // The handler does not re-authorize per request here: connections opened under the old root
    // may finish their life during the overlap (max-connection-age bounds that in production).
    try (Server server = new Server(null, MeshTlsServer.create(MeshTls.builder(serverSrc).build(), CallerPolicy.allow(FRONTEND)), false)) {
      OkHttpClient client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      AtomicBoolean done = new AtomicBoolean();
      AtomicInteger ok = new AtomicInteger();
      ExecutorService driver = Executors.newSingleThreadExecutor();
      Future<List<Throwable>> result = driver.submit(() -> load(client, server.url(), 6, done, ok));
      List<Runnable> steps = List.of(
          // 1. both trust old and new
          () -> { clientSrc.update(clientSrc.svid(), TlsFixtures.bundles("example.org", oldCa, newCa));
                  serverSrc.update(serverSrc.svid(), TlsFixtures.bundles("example.org", oldCa, newCa)); },
          // 2. SVIDs from the new CA
          () -> { serverSrc.update(TlsFixtures.svid(newCa.svid(ORDERS.toString())), serverSrc.bundles());
                  clientSrc.update(TlsFixtures.svid(newCa.svid(FRONTEND.toString())), clientSrc.bundles()); },
          // 3. the old root goes
          () -> { clientSrc.update(clientSrc.svid(), TlsFixtures.bundles("example.org", newCa));
                  serverSrc.update(serverSrc.svid(), TlsFixtures.bundles("example.org", newCa)); });
      for (Runnable step : steps) {
        int before = ok.get();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > before + 30);
        step.run();
      }
      int before = ok.get();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > before + 30);
      done.set(true);
      assertThat(result.get(30, TimeUnit.SECONDS)).isEmpty();
      driver.shutdown();
      TlsFixtures.shutdown(client);
    } finally {
      clientTls.close();
    }
  }
}
