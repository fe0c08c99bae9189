package io.mesh4j.discovery.dns;

import static io.mesh4j.discovery.dns.Dnsmasq.hostRecord;
import static io.mesh4j.discovery.dns.Dnsmasq.srv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.testing.ExternalProcess;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;

/**
 * What each way DNS can fail does: server errors and timeouts are errors (the last endpoints keep
 * serving, the message names the name and the servers); NXDOMAIN and "no records" are answers,
 * empty ones, which the mesh holds back for discovery.empty-grace.
 */
class DnsFailuresTest {

  private static final String NAME = "orders." + Dnsmasq.DOMAIN;

  @TempDir Path dir;

  @BeforeEach
  void requireDnsmasq() {
    Dnsmasq.require();
  }

  private static Map<String, String> orders(String servers, String name, Integer port, String... more) {
    Map<String, String> p = new HashMap<>();
    p.put("mesh.discovery.dns.servers", servers);
    p.put("mesh.discovery.dns.min-ttl", "200ms");
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

  private static DiscoveryStatus status(MeshClient mesh) {
    return mesh.discoveryStatus("orders").orElseThrow();
  }

  @Test
  void servfailKeepsTheLastEndpointsServingAndNamesTheNameAndTheServer() throws Exception {
    try (HttpBackends backends = HttpBackends.onAddresses("127.0.0.2");
        ScriptedDnsServer dns = new ScriptedDnsServer()) {
      dns.answer("127.0.0.2");
      try (MeshClient mesh = TestMeshes.start(orders(dns.server(), NAME, backends.port(0)))) {
        OkHttpClient http = TestMeshes.http(mesh);
        assertThat(TestMeshes.call(http, "orders")).startsWith("127.0.0.2:");

        dns.fail(Rcode.SERVFAIL);
        await().atMost(Duration.ofSeconds(5)).until(() -> status(mesh).lastError() != null);
        assertThat(status(mesh).lastError()).hasMessage(
            "DNS lookup of A " + NAME + " failed: " + dns.server() + " answered SERVFAIL");
        assertThat(status(mesh).discovered()).containsExactly(Endpoint.of("127.0.0.2", backends.port(0)));
        assertThat(TestMeshes.call(http, "orders")).startsWith("127.0.0.2:");

        dns.answer("127.0.0.2");
        await().atMost(Duration.ofSeconds(5)).until(() -> status(mesh).lastError() == null);
        TestMeshes.shutdown(http);
      }
    }
  }

  @Test
  void refusedIsAnErrorNotAnEmptyAnswerAndRequestsSayWhy() throws Exception {
    // dnsmasq refuses names it has no data for outside its local domain (no upstream servers)
    try (Dnsmasq dns = Dnsmasq.start(dir, 1, List.of());
        MeshClient mesh = TestMeshes.start(orders(dns.server(), "orders.elsewhere.test", 8080,
            "mesh.services.orders.discovery.initial-wait", "3s"))) {
      OkHttpClient http = TestMeshes.http(mesh);
      Throwable failed = catchThrowable(() -> TestMeshes.call(http, "orders"));
      assertThat(failed).isNotNull();
      assertThat(status(mesh).lastError()).hasMessage(
          "DNS lookup of A orders.elsewhere.test failed: " + dns.server() + " answered REFUSED");
      assertThat(failed).hasStackTraceContaining("answered REFUSED");
      TestMeshes.shutdown(http);
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutThenTheNextServerAnswersAndIsAskedFirstFromThenOn() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Dnsmasq dns = Dnsmasq.start(dir, 1, List.of(), "127.0.0.2 " + NAME);
        MeshClient mesh = TestMeshes.start(orders(
            "127.0.0.1:" + silent.getLocalPort() + ", " + dns.server(), NAME, 8080))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> !status(mesh).discovered().isEmpty());
      assertThat(status(mesh).discovered()).containsExactly(Endpoint.of("127.0.0.2", 8080));
      assertThat(status(mesh).lastError()).isNull();
      // one lookup per 1s TTL: had the silent server been asked first again, each would take 2s more
      int first = dns.queries("A", NAME);
      long from = System.nanoTime();
      await().atMost(Duration.ofSeconds(10)).until(() -> dns.queries("A", NAME) >= first + 3);
      assertThat(Duration.ofNanos(System.nanoTime() - from)).isLessThan(Duration.ofMillis(4500));
    }
  }

  @Test
  void aServerThatNeverAnswersAloneIsATimeoutNamingItAndTheName() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        MeshClient mesh = TestMeshes.start(orders("127.0.0.1:" + silent.getLocalPort(), NAME, 8080))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> status(mesh).lastError() != null);
      assertThat(status(mesh).lastError()).hasMessage(
          "DNS lookup of A " + NAME + " failed: 127.0.0.1:" + silent.getLocalPort() + " timed out after 2s");
    }
  }

  @Test
  void aServerThatIsDownIsSkippedForTheNext() throws Exception {
    int closed = ExternalProcess.freePort();
    try (Dnsmasq dns = Dnsmasq.start(dir, 1, List.of(), "127.0.0.2 " + NAME);
        MeshClient mesh = TestMeshes.start(orders("127.0.0.1:" + closed + "," + dns.server(), NAME, 8080))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !status(mesh).discovered().isEmpty());
      int first = dns.queries("A", NAME);
      await().atMost(Duration.ofSeconds(5)).until(() -> dns.queries("A", NAME) >= first + 3);
      assertThat(status(mesh).lastError()).isNull();
    }
  }

  @Test
  void nxdomainIsAnEmptyAnswerHeldBackForTheGraceThenApplied() throws Exception {
    try (Dnsmasq dns = Dnsmasq.start(dir, 1, List.of(), "127.0.0.2 " + NAME);
        MeshClient mesh = TestMeshes.start(orders(dns.server(), NAME, 8080,
            "mesh.services.orders.discovery.empty-grace", "2s"))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !status(mesh).discovered().isEmpty());

      dns.setHosts(); // the name is gone: NXDOMAIN
      long gone = System.nanoTime();
      int asked = dns.queries("A", NAME);
      await().atMost(Duration.ofSeconds(5)).until(() -> dns.queries("A", NAME) > asked + 1);
      assertThat(status(mesh).discovered()).as("held back: DNS cannot tell gone from a glitch").hasSize(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> status(mesh).discovered().isEmpty());
      assertThat(Duration.ofNanos(System.nanoTime() - gone)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
      assertThat(status(mesh).lastError()).as("an empty answer is not an error").isNull();

      dns.setHosts("127.0.0.3 " + NAME);
      await().atMost(Duration.ofSeconds(5)).until(() -> status(mesh).discovered()
          .equals(List.of(Endpoint.of("127.0.0.3", 8080))));
    }
  }

  @Test
  void anSrvTargetWithoutAddressIsSkippedAndTheOthersServe() throws Exception {
    String srvName = "_http._tcp.orders." + Dnsmasq.DOMAIN;
    try (Dnsmasq dns = Dnsmasq.start(dir, 1, List.of(
            hostRecord("a." + Dnsmasq.DOMAIN, "127.0.0.2"),
            srv(srvName, "a." + Dnsmasq.DOMAIN, 8080, 0, 1),
            srv(srvName, "missing." + Dnsmasq.DOMAIN, 8081, 0, 1)));
        MeshClient mesh = TestMeshes.start(orders(dns.server(), srvName, null))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !status(mesh).discovered().isEmpty());
      assertThat(status(mesh).discovered()).containsExactly(Endpoint.of("127.0.0.2", 8080));
      assertThat(status(mesh).lastError()).isNull();
    }
  }

  @Test
  void withoutConfiguredServersTheSystemResolversAreAsked() throws Exception {
    // dnsjava finds the system's resolvers in its dns.server property before /etc/resolv.conf
    String before = System.getProperty("dns.server");
    try (Dnsmasq dns = Dnsmasq.start(dir, 1, List.of(), "127.0.0.2 " + NAME)) {
      System.setProperty("dns.server", dns.server());
      org.xbill.DNS.ResolverConfig.refresh();
      Map<String, String> p = orders(dns.server(), NAME, 8080);
      p.remove("mesh.discovery.dns.servers");
      try (MeshClient mesh = TestMeshes.start(p)) {
        await().atMost(Duration.ofSeconds(5)).until(() -> !status(mesh).discovered().isEmpty());
        assertThat(status(mesh).discovered()).containsExactly(Endpoint.of("127.0.0.2", 8080));
      }
    } finally {
      if (before == null) {
        System.clearProperty("dns.server");
      } else {
        System.setProperty("dns.server", before);
      }
      org.xbill.DNS.ResolverConfig.refresh();
    }
  }

  @Test
  void anSrvAnswerTooLargeForUdpIsFetchedOverTcp() throws Exception {
    String srvName = "_http._tcp.orders." + Dnsmasq.DOMAIN;
    List<String> records = new java.util.ArrayList<>();
    List<Endpoint> expected = new java.util.ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      // distinct long targets: name compression cannot shrink the answer below the 1232-byte UDP limit
      String target = "a-rather-long-target-name-for-endpoint-number-" + i + "." + Dnsmasq.DOMAIN;
      records.add(hostRecord(target, "127.0.1." + i));
      records.add(srv(srvName, target, 8000 + i, 0, 1));
      expected.add(Endpoint.of("127.0.1." + i, 8000 + i));
    }
    try (Dnsmasq dns = Dnsmasq.start(dir, 1, records);
        MeshClient mesh = TestMeshes.start(orders(dns.server(), srvName, null))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> status(mesh).discovered().size() == 40);
      assertThat(status(mesh).discovered()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(udpAnswerIsTruncated(dns.port(), srvName)).as("the premise: over UDP the answer is cut").isTrue();
    }
  }

  /** Asks over UDP, as the provider does first (EDNS, 1232 bytes), whether the answer comes back truncated. */
  private static boolean udpAnswerIsTruncated(int port, String name) throws Exception {
    org.xbill.DNS.Message query = org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
        org.xbill.DNS.Name.fromString(name + "."), org.xbill.DNS.Type.SRV, org.xbill.DNS.DClass.IN));
    query.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 0), org.xbill.DNS.Section.ADDITIONAL);
    byte[] out = query.toWire();
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(2000);
      socket.send(new java.net.DatagramPacket(out, out.length, InetAddress.getLoopbackAddress(), port));
      byte[] in = new byte[65535];
      java.net.DatagramPacket packet = new java.net.DatagramPacket(in, in.length);
      socket.receive(packet);
      org.xbill.DNS.Message answer = new org.xbill.DNS.Message(java.util.Arrays.copyOf(in, packet.getLength()));
      return answer.getHeader().getFlag(org.xbill.DNS.Flags.TC);
    }
  }

  @Test
  void anSrvNameWithoutRecordsIsAnEmptyAnswerNotAnError() throws Exception {
    try (Dnsmasq dns = Dnsmasq.start(dir, 1, List.of());
        MeshClient mesh = TestMeshes.start(orders(dns.server(), "_http._tcp.nothing." + Dnsmasq.DOMAIN, null))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> status(mesh).lastUpdateNanos() >= 0);
      assertThat(status(mesh).discovered()).isEmpty();
      assertThat(status(mesh).lastError()).isNull();
    }
  }
}
