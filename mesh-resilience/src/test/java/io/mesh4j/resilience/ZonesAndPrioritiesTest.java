package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.mesh4j.MeshClient;
import io.mesh4j.event.PanicModeChanged;
import io.mesh4j.testing.LeakCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Zone-aware routing and priority levels end to end: a real client, real backends on loopback,
 * requests counted at the backends, the retries and outlier detection of mesh-resilience.
 */
@Timeout(60)
class ZonesAndPrioritiesTest {

  private final List<Backend> backends = new ArrayList<>();

  @AfterEach
  void stopBackends() {
    backends.forEach(Backend::stop);
  }

  /** A JDK HttpServer on 127.0.0.1 that counts requests and answers a settable status. */
  private final class Backend {
    final String zone;
    final int priority;
    final AtomicInteger requests = new AtomicInteger();
    volatile int status = 200;
    private int port;
    private HttpServer server;

    Backend(String zone, int priority) throws IOException {
      this.zone = zone;
      this.priority = priority;
      start();
      backends.add(this);
    }

    /** Starts (again, on the same port once it had one). */
    void start() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
      server.createContext("/", exchange -> {
        requests.incrementAndGet();
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
      });
      server.start();
      port = server.getAddress().getPort();
    }

    void stop() {
      if (server != null) {
        server.stop(0);
        server = null;
      }
    }

    String spec() {
      return "127.0.0.1:" + port + ";zone=" + zone + (priority > 0 ? ";priority=" + priority : "");
    }
  }

  private List<Backend> backends(String zone, int count, int priority) throws IOException {
    List<Backend> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new Backend(zone, priority));
    }
    return out;
  }

  private String endpoints() {
    List<String> specs = new ArrayList<>();
    backends.forEach(b -> specs.add(b.spec()));
    return String.join(",", specs);
  }

  private static int total(List<Backend> of) {
    return of.stream().mapToInt(b -> b.requests.get()).sum();
  }

  private static void reset(List<Backend> of) {
    of.forEach(b -> b.requests.set(0));
  }

  /** Sends {@code n} GETs; returns how many did not end in a 200. */
  private static int send(OkHttpClient http, int n) {
    int failed = 0;
    for (int i = 0; i < n; i++) {
      try (Response r = http.newCall(get("http://orders/items/" + i)).execute()) {
        if (r.code() != 200) {
          failed++;
        }
      } catch (IOException e) {
        failed++;
      }
    }
    return failed;
  }

  /** Sends {@code n} GETs, all of which must succeed, and says which share reached {@code zone}. */
  private static double shareAfter(OkHttpClient http, int n, List<Backend> zone, List<Backend> all) {
    reset(all);
    assertThat(send(http, n)).as("failed requests").isZero();
    return total(zone) / (double) total(all);
  }

  private Map<String, String> config(String clientZone, String... more) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("mesh.locality.zone", clientZone);
    c.put("mesh.services.orders.endpoints", endpoints());
    c.put("mesh.services.orders.circuit-breaker.enabled", "false");
    for (int i = 0; i < more.length; i += 2) {
      c.put(more[i], more[i + 1]);
    }
    return c;
  }

  @Test
  void requestsStayInTheClientsZoneWhileItIsHealthy() throws Exception {
    List<Backend> a = backends("a", 2, 0);
    List<Backend> b = backends("b", 4, 0);
    LeakCheck leaks = LeakCheck.snapshot();
    try (MeshClient mesh = TestMeshes.start(config("a"))) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());

      assertThat(shareAfter(http, 400, a, backends)).isGreaterThanOrEqualTo(0.95);
      assertThat(a).allSatisfy(x -> assertThat(x.requests.get()).as("each local endpoint").isPositive());
      assertThat(total(b)).isLessThanOrEqualTo(20);
    }
    leaks.assertNoNewMeshThreads();
  }

  @Test
  void whenTheLocalZoneDiesTrafficMovesToTheOtherWithoutAFailedRequestAndComesBack() throws Exception {
    List<Backend> a = backends("a", 3, 0);
    List<Backend> b = backends("b", 3, 0);
    // the default 2 attempts: the retry of a failure in zone a goes to zone b, not to another
    // (as dead) endpoint of zone a
    try (MeshClient mesh = TestMeshes.start(config("a",
        "mesh.services.orders.outlier-detection.base-ejection-time", "1s",
        "mesh.services.orders.outlier-detection.max-ejection-time", "1s"))) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      assertThat(shareAfter(http, 200, a, backends)).isGreaterThanOrEqualTo(0.95);

      a.forEach(Backend::stop);

      reset(backends);
      assertThat(send(http, 300)).as("failed idempotent requests while zone a is down").isZero();
      assertThat(total(b)).isEqualTo(300);
      // once outlier detection has ejected them, zone a's endpoints are not even tried
      assertThat(shareAfter(http, 100, b, backends)).isEqualTo(1.0);

      for (Backend x : a) {
        x.start();
      }
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .until(() -> shareAfter(http, 100, a, backends) >= 0.95);
    }
  }

  @Test
  void zoneAwareRoutingOffInMeshDefaultsSpreadsOverEveryZone() throws Exception {
    List<Backend> a = backends("a", 2, 0);
    backends("b", 4, 0);
    try (MeshClient mesh = TestMeshes.start(config("a",
        "mesh.defaults.lb.zone-aware", "false",
        "mesh.services.orders.lb", "round-robin"))) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());

      assertThat(shareAfter(http, 600, a, backends)).as("2 of 6 endpoints").isBetween(0.30, 0.37);
      assertThat(backends).allSatisfy(x -> assertThat(x.requests.get()).isBetween(90, 110));
    }
  }

  @Test
  void liveChangesOfTheClientsZoneAndOfZoneAwareApply() throws Exception {
    List<Backend> a = backends("a", 2, 0);
    List<Backend> b = backends("b", 4, 0);
    try (MeshClient mesh = TestMeshes.start(config("a", "mesh.services.orders.lb", "round-robin"))) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      assertThat(shareAfter(http, 200, a, backends)).isGreaterThanOrEqualTo(0.95);

      TestMeshes.apply(mesh, config("b", "mesh.services.orders.lb", "round-robin"));
      assertThat(shareAfter(http, 200, b, backends)).isGreaterThanOrEqualTo(0.95);

      TestMeshes.apply(mesh, config("b", "mesh.services.orders.lb", "round-robin",
          "mesh.services.orders.lb.zone-aware", "false"));
      assertThat(shareAfter(http, 600, a, backends)).isBetween(0.30, 0.37);
    }
  }

  @Test
  void aPriorityLosingHalfItsEndpointsKeepsSeventyPercentAndTheRestSpillsToTheNext() throws Exception {
    List<Backend> p0 = backends("a", 4, 0);
    List<Backend> p1 = backends("a", 2, 1);
    p0.get(2).status = 503;
    p0.get(3).status = 503;
    try (MeshClient mesh = TestMeshes.start(config("a",
        "mesh.services.orders.lb", "round-robin",
        "mesh.services.orders.retry.max-attempts", "3",
        "mesh.services.orders.outlier-detection.consecutive-failures", "1",
        "mesh.services.orders.outlier-detection.max-ejection-percent", "100",
        "mesh.services.orders.outlier-detection.base-ejection-time", "300s"))) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      EventRecorder recorder = EventRecorder.on(mesh);
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        send(http, 20);
        return TestMeshes.snapshot(mesh, "orders").ejected().size() == 2;
      });

      // 2 of 4 healthy: 50 % × 1.4 = 70 % stays in priority 0
      double p1Share = shareAfter(http, 1000, p1, backends);
      assertThat(p1Share).isBetween(0.24, 0.36);
      assertThat(p0.get(2).requests.get() + p0.get(3).requests.get()).isZero();
      assertThat(recorder.count(PanicModeChanged.class)).isZero();
    }
  }

  @Test
  void aDeadPriorityFailsOverToTheNextEvenWhenMostOfTheServiceIsDown() throws Exception {
    List<Backend> p0 = backends("a", 4, 0);
    List<Backend> p1 = backends("a", 2, 1);
    p0.forEach(x -> x.status = 503);
    try (MeshClient mesh = TestMeshes.start(config("a",
        "mesh.services.orders.lb", "round-robin",
        "mesh.services.orders.retry.max-attempts", "3",
        "mesh.services.orders.outlier-detection.consecutive-failures", "1",
        "mesh.services.orders.outlier-detection.max-ejection-percent", "100",
        "mesh.services.orders.outlier-detection.base-ejection-time", "300s"))) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      EventRecorder recorder = EventRecorder.on(mesh);
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        send(http, 20);
        return TestMeshes.snapshot(mesh, "orders").ejected().size() == 4;
      });

      // 2 of 6 endpoints healthy (33 % < the 50 % panic threshold), but priority 1 is whole: no panic
      assertThat(shareAfter(http, 200, p1, backends)).isEqualTo(1.0);
      assertThat(TestMeshes.snapshot(mesh, "orders").panic()).isFalse();
      assertThat(recorder.count(PanicModeChanged.class)).isZero();

      // now priority 1 fails as well: every priority is below the threshold, all six share the load
      p1.forEach(x -> x.status = 503);
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        send(http, 10);
        return TestMeshes.snapshot(mesh, "orders").panic();
      });
      reset(backends);
      send(http, 120);
      assertThat(total(p0)).as("panic balances over every endpoint").isPositive();
      assertThat(total(p1)).isPositive();
    }
  }
}
