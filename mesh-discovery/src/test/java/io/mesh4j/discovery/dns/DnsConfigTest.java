package io.mesh4j.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.mesh4j.MeshClient;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfigException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad DNS discovery settings fail startup, each problem naming its key and what is expected. */
class DnsConfigTest {

  private static MeshConfigException startWith(String... keyValues) {
    Map<String, String> p = new HashMap<>();
    p.put("mesh.services.orders.discovery", "dns");
    for (int i = 0; i < keyValues.length; i += 2) {
      p.put(keyValues[i], keyValues[i + 1]);
    }
    Throwable thrown = catchThrowable(() -> TestMeshes.start(p).close());
    assertThat(thrown).isInstanceOf(MeshConfigException.class);
    return (MeshConfigException) thrown;
  }

  private static String problem(MeshConfigException e, String key) {
    return e.problems().stream().filter(p -> key.equals(p.key())).findFirst().map(ConfigProblem::toString)
        .orElseThrow(() -> new AssertionError("no problem for " + key + " in " + e.getMessage()));
  }

  @Test
  void aMissingNameIsRequired() {
    MeshConfigException e = startWith();
    assertThat(problem(e, "mesh.services.orders.dns.name")).contains("required when discovery=dns");
  }

  @Test
  void aHostNameNeedsAPort() {
    MeshConfigException e = startWith("mesh.services.orders.dns.name", "orders.example.org");
    assertThat(problem(e, "mesh.services.orders.dns.port"))
        .contains("required with the host name orders.example.org");
  }

  @Test
  void anSrvNameTakesNoPort() {
    MeshConfigException e = startWith("mesh.services.orders.dns.name", "_http._tcp.orders.example.org",
        "mesh.services.orders.dns.port", "8080");
    assertThat(problem(e, "mesh.services.orders.dns.port"))
        .contains("not allowed with the SRV name _http._tcp.orders.example.org: SRV records carry the ports");
  }

  @Test
  void aNameWithAPortOrAUrlIsNotADnsName() {
    assertThat(problem(startWith("mesh.services.orders.dns.name", "orders.example.org:8080"),
        "mesh.services.orders.dns.name")).contains("the port goes in dns.port");
    assertThat(problem(startWith("mesh.services.orders.dns.name", "http://orders.example.org"),
        "mesh.services.orders.dns.name")).contains("no scheme or path");
    assertThat(problem(startWith("mesh.services.orders.dns.name", "a".repeat(64) + ".example.org"),
        "mesh.services.orders.dns.name")).contains("not a valid DNS name");
  }

  @Test
  void aPortOutOfRangeIsRejected() {
    MeshConfigException e = startWith("mesh.services.orders.dns.name", "orders.example.org",
        "mesh.services.orders.dns.port", "70000");
    assertThat(problem(e, "mesh.services.orders.dns.port")).contains("an integer from 1 to 65535");
  }

  @Test
  void serversMustBeIpAddressesWithIpv6InBrackets() {
    String name = "mesh.discovery.dns.servers";
    assertThat(problem(startWith(name, "dns.example.org:53", "mesh.services.orders.dns.name", "_a._tcp.x"), name))
        .contains("'dns.example.org' is not an IP address");
    assertThat(problem(startWith(name, "::1:53", "mesh.services.orders.dns.name", "_a._tcp.x"), name))
        .contains("must be in brackets: [::1:53]:53");
    assertThat(problem(startWith(name, "127.0.0.1:0", "mesh.services.orders.dns.name", "_a._tcp.x"), name))
        .contains("port 0 is out of range");
    assertThat(problem(startWith(name, "127.0.0.1,127.0.0.1:53", "mesh.services.orders.dns.name", "_a._tcp.x"),
        name)).contains("listed twice");
  }

  @Test
  void maxTtlBelowMinTtlIsRejected() {
    MeshConfigException e = startWith("mesh.services.orders.dns.name", "_http._tcp.orders.example.org",
        "mesh.discovery.dns.min-ttl", "10s", "mesh.discovery.dns.max-ttl", "5s");
    assertThat(problem(e, "mesh.discovery.dns.max-ttl"))
        .contains("mesh.discovery.dns.max-ttl=5s: must be at least mesh.discovery.dns.min-ttl (10s)");
  }

  @Test
  void ttlBoundsOutsideTheirRangeAreRejected() {
    MeshConfigException e = startWith("mesh.services.orders.dns.name", "_http._tcp.orders.example.org",
        "mesh.discovery.dns.min-ttl", "0s", "mesh.discovery.dns.max-ttl", "2d");
    assertThat(problem(e, "mesh.discovery.dns.min-ttl")).contains("at least 100ms");
    assertThat(problem(e, "mesh.discovery.dns.max-ttl")).contains("at most 1d");
  }

  @Test
  void validSettingsStartWithoutWaitingForDns() {
    Map<String, String> p = new HashMap<>();
    p.put("mesh.discovery.dns.servers", "127.0.0.1:1, [::1]:1");
    p.put("mesh.discovery.dns.min-ttl", "1s");
    p.put("mesh.discovery.dns.max-ttl", "1s");
    p.put("mesh.services.orders.discovery", "dns");
    p.put("mesh.services.orders.dns.name", "orders.example.org.");
    p.put("mesh.services.orders.dns.port", "8080");
    p.put("mesh.services.payments.discovery", "dns");
    p.put("mesh.services.payments.dns.name", "_http._tcp.payments.example.org");
    try (MeshClient mesh = TestMeshes.start(p)) {
      assertThat(mesh.discoveryStatus("orders")).isPresent();
      assertThat(mesh.discoveryStatus("payments")).isPresent();
    }
  }
}
