package io.mesh4j.discovery.dns;

import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.testing.discovery.DiscoveryProviderConformanceSuite;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The discovery conformance suite against a real dnsmasq: each service is an SRV name whose
 * records carry the endpoints' ports, weights and priorities, their targets' A records the hosts.
 * A change restarts dnsmasq on the same port (it cannot reload command-line records); breaking
 * the backend stops it.
 */
class DnsDiscoveryConformanceTest extends DiscoveryProviderConformanceSuite {

  @TempDir Path dir;

  private final Map<String, List<Endpoint>> published = new LinkedHashMap<>();
  private Dnsmasq dnsmasq;
  private DatagramSocket silent;

  @BeforeEach
  void requireDnsmasq() {
    Dnsmasq.require();
  }

  @AfterEach
  void stopServers() throws Exception {
    if (dnsmasq != null) {
      dnsmasq.close();
    }
    if (silent != null) {
      silent.close();
    }
  }

  @Override
  protected DiscoveryProvider provider() {
    return new DnsDiscoveryProvider();
  }

  @Override
  protected Set<Attribute> supportedAttributes() {
    return EnumSet.of(Attribute.WEIGHT, Attribute.PRIORITY);
  }

  @Override
  protected Map<String, String> publish(String service, List<Endpoint> endpoints) throws Exception {
    published.put(service, List.copyOf(endpoints));
    if (dnsmasq == null) {
      dnsmasq = Dnsmasq.start(dir, 1, records());
    } else {
      dnsmasq.restart(records());
    }
    return Map.of(
        "mesh.discovery.dns.servers", dnsmasq.server(),
        "mesh.discovery.dns.min-ttl", "200ms",
        "mesh.services." + service + ".discovery", "dns",
        "mesh.services." + service + ".dns.name", srvName(service));
  }

  @Override
  protected boolean republish(String service, List<Endpoint> endpoints) throws Exception {
    published.put(service, List.copyOf(endpoints));
    dnsmasq.restart(records());
    return true;
  }

  @Override
  protected boolean breakBackend(String service) throws Exception {
    dnsmasq.stop();
    return true;
  }

  /** A server that receives queries and never answers: every lookup waits for its timeout. */
  @Override
  protected Optional<Map<String, String>> unreachableBackend(String service) throws Exception {
    silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return Optional.of(Map.of(
        "mesh.discovery.dns.servers", "127.0.0.1:" + silent.getLocalPort(),
        "mesh.services." + service + ".discovery", "dns",
        "mesh.services." + service + ".dns.name", srvName(service)));
  }

  private static String srvName(String service) {
    return "_" + service + "._tcp." + Dnsmasq.DOMAIN;
  }

  /** One SRV record per endpoint, pointing at a name per host with that host's A record. */
  private List<String> records() {
    Set<String> hosts = new LinkedHashSet<>();
    List<String> args = new ArrayList<>();
    published.forEach((service, endpoints) -> {
      for (Endpoint e : endpoints) {
        String target = "h-" + e.host().replace('.', '-').replace(':', '-') + "." + Dnsmasq.DOMAIN;
        if (hosts.add(e.host())) {
          args.add(Dnsmasq.hostRecord(target, e.host()));
        }
        args.add(Dnsmasq.srv(srvName(service), target, e.port(), e.priority(), e.weight()));
      }
    });
    return args;
  }
}
