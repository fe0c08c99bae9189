package io.mesh4j.discovery.dns;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryBackendContext;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.dns.internal.DnsBackend;
import io.mesh4j.discovery.dns.internal.DnsNames;
import io.mesh4j.discovery.dns.internal.DnsServers;
import io.mesh4j.discovery.dns.internal.RefreshPolicy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Endpoints from DNS ({@code mesh.services.<name>.discovery=dns}): SRV records (host, port,
 * priority, weight) when {@code dns.name} starts with {@code _}, else the A and AAAA records of
 * the name with {@code dns.port}. Re-resolved on the records' TTL, clamped to
 * [{@code mesh.discovery.dns.min-ttl}, {@code mesh.discovery.dns.max-ttl}]. One resolver per
 * client, shared by every service that uses DNS; lookups run on the client's own
 * {@code mesh4j-discovery-dns-N} threads, never on the caller's or the scheduler's.
 */
public final class DnsDiscoveryProvider implements DiscoveryProvider {

  public static final String NAME = "dns";

  /** {@code mesh.discovery.dns.servers}: who to ask; empty means the system's resolvers. */
  public static final ConfigKey<List<InetSocketAddress>> SERVERS =
      ConfigKey.global("mesh.discovery.dns.servers", DnsServers.parser())
          .defaultValue(List.of())
          .description("DNS servers to query, comma-separated ip:port (IPv6 as [::1]:53; port 53 when omitted),"
              + " tried in order. Default: the system's resolvers (/etc/resolv.conf), as dnsjava finds them.")
          .build();

  /** {@code mesh.discovery.dns.min-ttl}: the shortest time between two lookups of a name. */
  public static final ConfigKey<Duration> MIN_TTL =
      ConfigKey.global("mesh.discovery.dns.min-ttl",
              ValueParsers.duration(RefreshPolicy.SHORTEST, RefreshPolicy.LONGEST))
          .defaultValue(Duration.ofSeconds(1))
          .description("Shortest wait before a name is resolved again, whatever its TTL (a TTL of 0 is common:"
              + " Consul, dnsmasq); also the first retry delay after a failed lookup.")
          .build();

  /** {@code mesh.discovery.dns.max-ttl}: the longest time between two lookups of a name. */
  public static final ConfigKey<Duration> MAX_TTL =
      ConfigKey.global("mesh.discovery.dns.max-ttl",
              ValueParsers.duration(RefreshPolicy.SHORTEST, RefreshPolicy.LONGEST))
          .defaultValue(Duration.ofMinutes(5))
          .description("Longest wait before a name is resolved again, however long its TTL; at least min-ttl.")
          .build();

  /** {@code mesh.services.<name>.dns.name}: the name to resolve. */
  public static final ConfigKey<String> DNS_NAME =
      ConfigKey.service("dns.name", DnsNames.parser())
          .description("The DNS name of the service's endpoints: an SRV name when it starts with '_'"
              + " (_http._tcp.orders.example.org), else a host name whose A and AAAA records are used with"
              + " dns.port. Always fully qualified: no search domain is appended.")
          .build();

  /** {@code mesh.services.<name>.dns.port}: the port of A/AAAA endpoints. */
  public static final ConfigKey<Integer> DNS_PORT =
      ConfigKey.service("dns.port", ValueParsers.integer(1, 65535))
          .description("Port of the endpoints found in A/AAAA records; required for a host name, not allowed"
              + " with an SRV name (SRV records carry their ports).")
          .build();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<ConfigKey<?>> globalKeys() {
    return List.of(SERVERS, MIN_TTL, MAX_TTL);
  }

  @Override
  public List<ConfigKey<?>> serviceKeys() {
    return List.of(DNS_NAME, DNS_PORT);
  }

  @Override
  public void validate(ServiceConfig service, List<ConfigProblem> problems) {
    String prefix = "mesh.services." + service.name() + ".";
    String name = service.get(DNS_NAME);
    if (name == null) {
      problems.add(new ConfigProblem(prefix + DNS_NAME.name(), null, null,
          "required when discovery=dns: the name to resolve, an SRV name such as _http._tcp." + service.name()
              + ".example.org or a host name such as " + service.name() + ".example.org with dns.port"));
      return;
    }
    boolean portSet = service.isSet(DNS_PORT);
    if (DnsNames.isSrv(name) && portSet) {
      problems.add(new ConfigProblem(prefix + DNS_PORT.name(), String.valueOf(service.get(DNS_PORT)), null,
          "not allowed with the SRV name " + name + ": SRV records carry the ports; remove it, or use a host"
              + " name (not starting with '_') for A/AAAA records"));
    } else if (!DnsNames.isSrv(name) && !portSet) {
      problems.add(new ConfigProblem(prefix + DNS_PORT.name(), null, null,
          "required with the host name " + name + ": its A/AAAA records carry no port (or use an SRV name"
              + " starting with '_', whose records do)"));
    }
  }

  /** The global cross-key check: {@code max-ttl >= min-ttl}. */
  @Override
  public void validateGlobals(MeshConfig config, List<ServiceConfig> users, List<ConfigProblem> problems) {
    RefreshPolicy.problem(config.get(MIN_TTL), config.get(MAX_TTL))
        .ifPresent(message -> problems.add(new ConfigProblem(MAX_TTL.name(),
            ValueParsers.formatDuration(config.get(MAX_TTL)), null, message)));
  }

  @Override
  public DiscoveryBackend open(DiscoveryBackendContext context) {
    MeshConfig config = context.meshConfig();
    // validated already with the configuration; this guards a client built without it
    RefreshPolicy policy = RefreshPolicy.of(config.get(MIN_TTL), config.get(MAX_TTL));
    return new DnsBackend(config.get(SERVERS), policy, context);
  }
}
