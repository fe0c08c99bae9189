package io.mesh4j.discovery.dns;

import static io.mesh4j.discovery.dns.Dnsmasq.hostRecord;
import static io.mesh4j.discovery.dns.Dnsmasq.srv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.testing.LeakCheck;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS discovery as an application uses it: a real {@link MeshClient} resolves a real dnsmasq and
 * calls real HTTP backends, counted at the backends.
 */
class DnsDiscoveryEndToEndTest {

  private static final String NAME = "orders." + Dnsmasq.DOMAIN;
  private static final String SRV_NAME = "_http._tcp.orders." + Dnsmasq.DOMAIN;

  @TempDir Path dir;

  @BeforeEach
  void requireDnsmasq() {
    Dnsmasq.require();
  }

  /** Properties for service "orders" discovered from {@code dns} under {@code name}. */
  private static Map<String, String> orders(Dnsmasq dns, String name, Integer port, String... more) {
    Map<String, String> p = new HashMap<>();
    p.put("mesh.discovery.dns.servers", dns.server());
    p.put("mesh.services.orders.discovery", "dns");
    p.put("mesh.services.orders.dns.name", name);
    if (port != null) {
      p.put("mesh.services.orders.dns.port", String.valueOf(port));
    }
    for (int i = 0; i < more.length; i += 2) {
      p.put(more[i], more[i + 1]);
    }
    return p;
  }

  private static List<String> calls(OkHttpClient http, int n) throws Exception {
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      answers.add(TestMeshes.call(http, "orders"));
    }
    return answers;
  }

  @Test
  void aRecordsAreDiscoveredAndEveryAddressTakesTraffic() throws Exception {
    try (HttpBackends backends = HttpBackends.onAddresses("127.0.0.2", "127.0.0.3", "127.0.0.4");
        Dnsmasq dns = Dnsmasq.start(dir, 1, List.of(),
            "127.0.0.2 " + NAME, "127.0.0.3 " + NAME, "127.0.0.4 " + NAME)) {
      int port = backends.port(0);
      LeakCheck leaks = LeakCheck.snapshot();
      try (MeshClient mesh = TestMeshes.start(orders(dns, NAME, port, "mesh.services.orders.lb", "round-robin"))) {
        OkHttpClient http = TestMeshes.http(mesh);
        calls(http, 30);
        assertThat(backends.counts()).containsExactly(10, 10, 10);
        assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered()).containsExactly(
            Endpoint.of("127.0.0.2", port), Endpoint.of("127.0.0.3", port), Endpoint.of("127.0.0.4", port));
        TestMeshes.shutdown(http);
      }
      leaks.assertNoNewMeshThreads();
      assertThat(Thread.getAllStackTraces().keySet()).as("dnsjava's JVM-wide selector thread is never started")
          .noneMatch(t -> t.getName().startsWith("dnsjava"));
    }
  }

  @Test
  void aaaaRecordsGiveIpv6Endpoints() throws Exception {
    try (HttpBackends backends = HttpBackends.onAddresses("::1");
        Dnsmasq dns = Dnsmasq.start(dir, 1, List.of(hostRecord(NAME, "::1")))) {
      try (MeshClient mesh = TestMeshes.start(orders(dns, NAME, backends.port(0)))) {
        OkHttpClient http = TestMeshes.http(mesh);
        assertThat(calls(http, 3)).hasSize(3);
        assertThat(backends.count(0)).isEqualTo(3);
        assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered())
            .containsExactly(Endpoint.of("::1", backends.port(0)));
        TestMeshes.shutdown(http);
      }
    }
  }

  @Test
  void srvRecordsGiveEachEndpointItsPortAndWeightAndWeightZeroCountsAsOne() throws Exception {
    try (HttpBackends backends = HttpBackends.onPorts(3);
        Dnsmasq dns = Dnsmasq.start(dir, 1, List.of(
            hostRecord("b." + Dnsmasq.DOMAIN, "127.0.0.1"),
            srv(SRV_NAME, "b." + Dnsmasq.DOMAIN, backends.port(0), 0, 0),
            srv(SRV_NAME, "b." + Dnsmasq.DOMAIN, backends.port(1), 0, 1),
            srv(SRV_NAME, "b." + Dnsmasq.DOMAIN, backends.port(2), 0, 3)))) {
      try (MeshClient mesh = TestMeshes.start(orders(dns, SRV_NAME, null,
          "mesh.services.orders.lb", "weighted-round-robin"))) {
        OkHttpClient http = TestMeshes.http(mesh);
        calls(http, 100);
        assertThat(backends.counts()).containsExactly(20, 20, 60);
        assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered()).containsExactlyInAnyOrder(
            Endpoint.of("127.0.0.1", backends.port(0)),
            Endpoint.of("127.0.0.1", backends.port(1)),
            Endpoint.of("127.0.0.1", backends.port(2)).withWeight(3));
        TestMeshes.shutdown(http);
      }
    }
  }

  @Test
  void srvPriorityFailsOverToTheNextPriorityWhenTheFirstOnesAddressesGoAwayAndBack() throws Exception {
    try (HttpBackends backends = HttpBackends.onPorts(3)) {
      String p0 = "p0." + Dnsmasq.DOMAIN;
      String p1 = "p1." + Dnsmasq.DOMAIN;
      List<String> records = List.of(
          srv(SRV_NAME, p0, backends.port(0), 10, 1),
          srv(SRV_NAME, p0, backends.port(1), 10, 1),
          srv(SRV_NAME, p1, backends.port(2), 20, 1));
      try (Dnsmasq dns = Dnsmasq.start(dir, 1, records, "127.0.0.1 " + p0, "127.0.0.1 " + p1);
          MeshClient mesh = TestMeshes.start(orders(dns, SRV_NAME, null, "mesh.services.orders.lb", "round-robin"))) {
        OkHttpClient http = TestMeshes.http(mesh);
        try (Load load = Load.start(http, "orders", 4)) {
          await().atMost(Duration.ofSeconds(10)).until(() -> backends.count(0) > 50 && backends.count(1) > 50);
          assertThat(backends.count(2)).as("priority 20 waits while priority 10 has endpoints").isZero();

          dns.setHosts("127.0.0.1 " + p1); // priority 10's target has no address any more
          await().atMost(Duration.ofSeconds(5)).until(() -> backends.count(2) > 50);
          int firstPriority = backends.count(0) + backends.count(1);
          int failover = backends.count(2);
          await().atMost(Duration.ofSeconds(10)).until(() -> backends.count(2) > failover + 200);
          assertThat(backends.count(0) + backends.count(1)).as("nothing more to priority 10").isEqualTo(firstPriority);

          dns.setHosts("127.0.0.1 " + p0, "127.0.0.1 " + p1); // and back
          await().atMost(Duration.ofSeconds(5)).until(() -> backends.count(0) + backends.count(1) > firstPriority + 50);
          int second = backends.count(2);
          await().atMost(Duration.ofSeconds(10)).until(() -> backends.count(0) + backends.count(1) > firstPriority + 300);
          assertThat(backends.count(2)).as("priority 20 idle again").isEqualTo(second);
          assertThat(load.failures()).as("failed requests").isEmpty();
        }
        TestMeshes.shutdown(http);
      }
    }
  }

  @Test
  void srvPriorityFailsOverWhenTheFirstPrioritysEndpointsAreEjected() throws Exception {
    try (HttpBackends backends = HttpBackends.onPorts(3)) {
      String host = "b." + Dnsmasq.DOMAIN;
      List<String> records = List.of(hostRecord(host, "127.0.0.1"),
          srv(SRV_NAME, host, backends.port(0), 0, 1),
          srv(SRV_NAME, host, backends.port(1), 0, 1),
          srv(SRV_NAME, host, backends.port(2), 1, 1));
      Ejector ejector = new Ejector();
      try (Dnsmasq dns = Dnsmasq.start(dir, 1, records);
          MeshClient mesh = TestMeshes.builder(orders(dns, SRV_NAME, null)).module(ejector).build()) {
        OkHttpClient http = TestMeshes.http(mesh);
        try (Load load = Load.start(http, "orders", 4)) {
          await().atMost(Duration.ofSeconds(10)).until(() -> backends.count(0) > 20 && backends.count(1) > 20);
          assertThat(backends.count(2)).isZero();

          // what outlier detection does when both priority-0 backends fail: DNS still lists them
          ejector.eject("orders", "127.0.0.1:" + backends.port(0), "127.0.0.1:" + backends.port(1));
          await().atMost(Duration.ofSeconds(5)).until(() -> backends.count(2) > 20);
          int firstPriority = backends.count(0) + backends.count(1);
          int failover = backends.count(2);
          await().atMost(Duration.ofSeconds(10)).until(() -> backends.count(2) > failover + 200);
          assertThat(backends.count(0) + backends.count(1)).isEqualTo(firstPriority);

          ejector.readmitAll("orders");
          await().atMost(Duration.ofSeconds(5)).until(() -> backends.count(0) + backends.count(1) > firstPriority + 50);
          assertThat(load.failures()).as("failed requests").isEmpty();
        }
        TestMeshes.shutdown(http);
      }
    }
  }

  @Test
  void endpointsAddedAndRemovedUnderLoadFailNoRequest() throws Exception {
    try (HttpBackends backends = HttpBackends.onAddresses("127.0.0.2", "127.0.0.3", "127.0.0.4");
        Dnsmasq dns = Dnsmasq.start(dir, 1, List.of(), "127.0.0.2 " + NAME, "127.0.0.3 " + NAME)) {
      try (MeshClient mesh = TestMeshes.start(orders(dns, NAME, backends.port(0),
          "mesh.services.orders.lb", "round-robin"))) {
        OkHttpClient http = TestMeshes.http(mesh);
        try (Load load = Load.start(http, "orders", 4)) {
          await().atMost(Duration.ofSeconds(10)).until(() -> backends.count(0) > 20 && backends.count(1) > 20);
          assertThat(backends.count(2)).isZero();

          dns.setHosts("127.0.0.2 " + NAME, "127.0.0.3 " + NAME, "127.0.0.4 " + NAME); // added
          await().atMost(Duration.ofSeconds(5)).until(() -> backends.count(2) > 20);

          dns.setHosts("127.0.0.3 " + NAME, "127.0.0.4 " + NAME); // removed; its backend keeps running, as in a drain
          await().atMost(Duration.ofSeconds(5)).until(() -> mesh.discoveryStatus("orders").orElseThrow().discovered()
              .equals(List.of(Endpoint.of("127.0.0.3", backends.port(0)), Endpoint.of("127.0.0.4", backends.port(0)))));
          int removed = backends.count(0);
          int others = backends.count(1) + backends.count(2);
          await().atMost(Duration.ofSeconds(10)).until(() -> backends.count(1) + backends.count(2) > others + 300);
          assertThat(backends.count(0)).as("a removed address gets nothing new").isLessThanOrEqualTo(removed + 4);
          assertThat(load.failures()).as("failed requests").isEmpty();
        }
        TestMeshes.shutdown(http);
      }
    }
  }

  @Test
  void aChangedDnsNameAppliesLiveAndTheOldEndpointsServeUntilTheNewNameAnswers() throws Exception {
    String other = "billing." + Dnsmasq.DOMAIN;
    try (HttpBackends backends = HttpBackends.onAddresses("127.0.0.2", "127.0.0.3");
        Dnsmasq dns = Dnsmasq.start(dir, 1, List.of(), "127.0.0.2 " + NAME, "127.0.0.3 " + other)) {
      Map<String, String> first = orders(dns, NAME, backends.port(0));
      try (MeshClient mesh = TestMeshes.start(first)) {
        OkHttpClient http = TestMeshes.http(mesh);
        try (Load load = Load.start(http, "orders", 4)) {
          await().atMost(Duration.ofSeconds(10)).until(() -> backends.count(0) > 20);

          Map<String, String> second = new HashMap<>(first);
          second.put("mesh.services.orders.dns.name", other);
          second.put("mesh.service", "frontend");
          mesh.apply(mesh.configLoader().source(io.mesh4j.config.PropertySource.fromMap(second, "test")).load());

          await().atMost(Duration.ofSeconds(5)).until(() -> backends.count(1) > 20);
          int old = backends.count(0);
          int now = backends.count(1);
          await().atMost(Duration.ofSeconds(10)).until(() -> backends.count(1) > now + 200);
          assertThat(backends.count(0)).isEqualTo(old);
          assertThat(load.failures()).as("failed requests").isEmpty();
        }
        TestMeshes.shutdown(http);
      }
    }
  }

  @Test
  void aRecordChangeIsSeenWhenItsTtlRunsOutAndNotLookedUpMoreOften() throws Exception {
    try (HttpBackends backends = HttpBackends.onAddresses("127.0.0.2", "127.0.0.3");
        Dnsmasq dns = Dnsmasq.start(dir, 2, List.of(), "127.0.0.2 " + NAME)) {
      long started = System.nanoTime();
      try (MeshClient mesh = TestMeshes.start(orders(dns, NAME, backends.port(0),
          "mesh.discovery.dns.min-ttl", "100ms"))) {
        OkHttpClient http = TestMeshes.http(mesh);
        assertThat(TestMeshes.call(http, "orders")).startsWith("127.0.0.2:");

        long changed = System.nanoTime();
        dns.setHosts("127.0.0.3 " + NAME);
        await().atMost(Duration.ofSeconds(6)).until(() -> TestMeshes.call(http, "orders").startsWith("127.0.0.3:"));
        assertThat(Duration.ofNanos(System.nanoTime() - changed)).as("seen within the 2s TTL and a lookup")
            .isLessThan(Duration.ofMillis(3500));

        int before = dns.queries("A", NAME);
        long from = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> dns.queries("A", NAME) >= before + 3);
        assertThat(Duration.ofNanos(System.nanoTime() - from)).as("three lookups, one per 2s TTL")
            .isGreaterThanOrEqualTo(Duration.ofMillis(3900));
        assertThat(dns.queries("A", NAME)).as("no lookup before the TTL runs out")
            .isLessThanOrEqualTo(1 + (int) (Duration.ofNanos(System.nanoTime() - started).toSeconds() / 2) + 1);
        TestMeshes.shutdown(http);
      }
    }
  }

  @Test
  void aZeroTtlIsLookedUpAgainAfterMinTtlNotInABusyLoop() throws Exception {
    try (Dnsmasq dns = Dnsmasq.start(dir, 0, List.of(), "127.0.0.2 " + NAME);
        MeshClient mesh = TestMeshes.start(orders(dns, NAME, 8080, "mesh.discovery.dns.min-ttl", "500ms"))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> dns.queries("A", NAME) >= 1);
      long from = System.nanoTime();
      int base = dns.queries("A", NAME);
      await().atMost(Duration.ofSeconds(10)).until(() -> dns.queries("A", NAME) >= base + 4);
      assertThat(Duration.ofNanos(System.nanoTime() - from)).as("four lookups, at least 500ms apart")
          .isGreaterThanOrEqualTo(Duration.ofMillis(1400));
    }
  }

  @Test
  void aLongTtlIsLookedUpAgainAfterMaxTtl() throws Exception {
    try (Dnsmasq dns = Dnsmasq.start(dir, 3600, List.of(), "127.0.0.2 " + NAME);
        MeshClient mesh = TestMeshes.start(orders(dns, NAME, 8080,
            "mesh.discovery.dns.min-ttl", "100ms", "mesh.discovery.dns.max-ttl", "1s"))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> dns.queries("A", NAME) >= 1);
      long from = System.nanoTime();
      dns.setHosts("127.0.0.3 " + NAME);
      await().atMost(Duration.ofSeconds(5)).until(() -> mesh.discoveryStatus("orders").orElseThrow().discovered()
          .equals(List.of(Endpoint.of("127.0.0.3", 8080))));
      assertThat(Duration.ofNanos(System.nanoTime() - from)).isLessThan(Duration.ofMillis(2500));
    }
  }

  @Test
  void aFailedConnectionMakesTheMeshLookAgainLongBeforeTheTtl() throws Exception {
    try (HttpBackends backends = HttpBackends.onAddresses("127.0.0.2", "127.0.0.3");
        Dnsmasq dns = Dnsmasq.start(dir, 3600, List.of(), "127.0.0.2 " + NAME);
        MeshClient mesh = TestMeshes.start(orders(dns, NAME, backends.port(0)))) {
      OkHttpClient http = TestMeshes.http(mesh);
      assertThat(TestMeshes.call(http, "orders")).startsWith("127.0.0.2:");

      // the workload moved: its old address refuses connections, DNS has the new one, the TTL is an hour
      dns.setHosts("127.0.0.3 " + NAME);
      backends.get(0).close();
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> TestMeshes.call(http, "orders").startsWith("127.0.0.3:"));
      TestMeshes.shutdown(http);
    }
  }

  @Test
  void whenTheDnsServerIsDownTheLastEndpointsKeepServingAndTheErrorNamesNameAndServer() throws Exception {
    try (HttpBackends backends = HttpBackends.onAddresses("127.0.0.2", "127.0.0.3");
        Dnsmasq dns = Dnsmasq.start(dir, 1, List.of(), "127.0.0.2 " + NAME, "127.0.0.3 " + NAME);
        MeshClient mesh = TestMeshes.start(orders(dns, NAME, backends.port(0)))) {
      OkHttpClient http = TestMeshes.http(mesh);
      try (Load load = Load.start(http, "orders", 4)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> load.succeeded() > 50);

        dns.stop();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          DiscoveryStatus status = mesh.discoveryStatus("orders").orElseThrow();
          assertThat(status.lastError()).isNotNull();
          assertThat(status.lastError().getMessage()).contains(NAME).contains(dns.server());
          assertThat(status.discovered()).hasSize(2);
        });
        int duringOutage = load.succeeded();
        await().atMost(Duration.ofSeconds(10)).until(() -> load.succeeded() > duringOutage + 500);
        assertThat(backends.count(0)).isPositive();
        assertThat(backends.count(1)).isPositive();

        dns.restart();
        await().atMost(Duration.ofSeconds(35)).until(() -> mesh.discoveryStatus("orders").orElseThrow().lastError() == null);
        assertThat(load.failures()).as("failed requests").isEmpty();
      }
      TestMeshes.shutdown(http);
    }
  }
}
