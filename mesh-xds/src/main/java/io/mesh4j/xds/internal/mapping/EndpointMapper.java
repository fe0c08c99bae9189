package io.mesh4j.xds.internal.mapping;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.EndpointHealth;
import io.mesh4j.discovery.Locality;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Maps an EDS {@link ClusterLoadAssignment} to mesh endpoints: locality, priority, weight and health.
 * Locality weights are folded into endpoint weights (the mesh balances endpoints, not localities), so
 * each locality keeps its share of its priority as the control plane set it.
 */
public final class EndpointMapper {

  /** Metadata key carrying the xDS health status when the mesh's three states lose detail (DEGRADED). */
  public static final String HEALTH_STATUS_METADATA = "xds.health-status";
  /** Metadata key carrying the endpoint's hostname from EDS, when it has one. */
  public static final String HOSTNAME_METADATA = "xds.hostname";

  /** Envoy's limit on a locality's endpoint weights, and on a priority's locality weights. */
  private static final long UINT32_MAX = 0xFFFF_FFFFL;
  /** The most a priority's folded weights add up to (the mesh's weights are ints). */
  private static final BigInteger FOLDED_LIMIT = BigInteger.valueOf(Integer.MAX_VALUE);

  private EndpointMapper() {}

  public static MappedEndpoints map(ClusterLoadAssignment cla) {
    Errors errors = new Errors();
    // policy.drop_overloads and overprovisioning_factor: ignored (see docs)
    boolean localityWeighted = false;
    for (LocalityLbEndpoints l : cla.getEndpointsList()) {
      localityWeighted |= l.hasLoadBalancingWeight();
    }
    List<Endpoint> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Set<Integer> priorities = new TreeSet<>();
    List<Folded> folded = new ArrayList<>();
    Map<Integer, Long> localityWeightSums = new TreeMap<>();
    for (int i = 0; i < cla.getEndpointsCount(); i++) {
      LocalityLbEndpoints group = cla.getEndpoints(i);
      String f = "endpoints[" + i + "]";
      if (group.hasLedsClusterLocalityConfig()) {
        errors.add(f + ".leds_cluster_locality_config", "LEDS is not supported");
        continue;
      }
      long localityWeight = group.hasLoadBalancingWeight()
          ? Integer.toUnsignedLong(group.getLoadBalancingWeight().getValue()) : 0;
      if (localityWeighted && localityWeight == 0) {
        continue; // Envoy and gRPC: a locality without weight gets no traffic when localities are weighted
      }
      priorities.add(group.getPriority());
      localityWeightSums.merge(group.getPriority(), localityWeight, Long::sum);
      io.envoyproxy.envoy.config.core.v3.Locality l = group.getLocality();
      Locality locality = new Locality(l.getRegion(), l.getZone(), l.getSubZone());
      long sum = 0;
      List<Endpoint> members = new ArrayList<>();
      for (int j = 0; j < group.getLbEndpointsCount(); j++) {
        Endpoint e = endpoint(group.getLbEndpoints(j), f + ".lb_endpoints[" + j + "]", locality,
            group.getPriority(), seen, errors);
        if (e != null) {
          members.add(e);
          sum += e.weight();
        }
      }
      if (sum > UINT32_MAX) {
        errors.add(f + ".lb_endpoints", "the weights add up to " + sum + ", above Envoy's limit of " + UINT32_MAX);
      }
      folded.add(new Folded(group.getPriority(), members, localityWeight, sum));
    }
    if (!priorities.isEmpty() && priorities.size() - 1 != ((TreeSet<Integer>) priorities).last()) {
      errors.add("endpoints", "priorities " + priorities + " are not contiguous from 0");
    }
    if (localityWeighted) {
      localityWeightSums.forEach((priority, sum) -> {
        if (sum > UINT32_MAX) {
          errors.add("endpoints", "the locality weights of priority " + priority + " add up to " + sum
              + ", above Envoy's limit of " + UINT32_MAX);
        }
      });
    }
    Map<Folded, List<Endpoint>> weighted = new IdentityHashMap<>();
    if (localityWeighted) {
      for (int priority : priorities) {
        fold(folded.stream().filter(g -> g.priority == priority && g.sum > 0).toList(), weighted);
      }
    }
    for (Folded g : folded) {
      out.addAll(weighted.getOrDefault(g, g.members));
    }
    return new MappedEndpoints(out, errors.toList());
  }

  /**
   * One priority's locality weights folded into its endpoint weights: endpoint e of locality L gets
   * W(L) × w(e) / S(L) of the priority (S(L): L's endpoint weights' sum), as Envoy picks a locality by
   * weight then an endpoint in it. Made whole with the least common multiple of the S(L), so the
   * shares are exact; only when that would exceed the mesh's int weights are they scaled down
   * proportionally (an endpoint keeps at least 1).
   */
  private static void fold(List<Folded> groups, Map<Folded, List<Endpoint>> out) {
    BigInteger lcm = BigInteger.ONE;
    for (Folded g : groups) {
      BigInteger s = BigInteger.valueOf(g.sum);
      lcm = lcm.divide(lcm.gcd(s)).multiply(s);
    }
    List<BigInteger> exact = new ArrayList<>();
    BigInteger gcd = BigInteger.ZERO;
    BigInteger total = BigInteger.ZERO;
    for (Folded g : groups) {
      BigInteger perUnit = BigInteger.valueOf(g.localityWeight).multiply(lcm.divide(BigInteger.valueOf(g.sum)));
      for (Endpoint e : g.members) {
        BigInteger w = perUnit.multiply(BigInteger.valueOf(e.weight()));
        exact.add(w);
        gcd = gcd.gcd(w);
        total = total.add(w);
      }
    }
    if (gcd.signum() > 0) {
      total = total.divide(gcd);
    }
    boolean scaleDown = total.compareTo(FOLDED_LIMIT) > 0;
    int k = 0;
    for (Folded g : groups) {
      List<Endpoint> members = new ArrayList<>();
      out.put(g, members);
      for (Endpoint e : g.members) {
        BigInteger w = exact.get(k++).divide(gcd);
        long weight = scaleDown
            ? Math.max(1, new BigDecimal(w).multiply(new BigDecimal(FOLDED_LIMIT))
                .divide(new BigDecimal(total), 0, RoundingMode.DOWN).longValueExact())
            : w.longValueExact();
        members.add(weight == e.weight() ? e : e.withWeight((int) weight));
      }
    }
  }

  private record Folded(int priority, List<Endpoint> members, long localityWeight, long sum) {}

  private static Endpoint endpoint(
      LbEndpoint lb, String f, Locality locality, int priority, Set<String> seen, Errors errors) {
    if (lb.getHostIdentifierCase() != LbEndpoint.HostIdentifierCase.ENDPOINT) {
      errors.add(f, "endpoint_name (named endpoints) is not supported: send endpoint");
      return null;
    }
    Address address = lb.getEndpoint().getAddress();
    if (address.getAddressCase() != Address.AddressCase.SOCKET_ADDRESS) {
      errors.add(f + ".endpoint.address", address.getAddressCase() + " is not supported: only socket_address");
      return null;
    }
    SocketAddress sa = address.getSocketAddress();
    String af = f + ".endpoint.address.socket_address";
    if (sa.getProtocol() != SocketAddress.Protocol.TCP) {
      errors.add(af + ".protocol", sa.getProtocol() + " is not supported: only TCP");
      return null;
    }
    if (!sa.getResolverName().isEmpty()) {
      errors.add(af + ".resolver_name", "custom resolvers are not supported");
      return null;
    }
    if (sa.getPortSpecifierCase() != SocketAddress.PortSpecifierCase.PORT_VALUE) {
      errors.add(af, "named_port is not supported: send port_value");
      return null;
    }
    int port = sa.getPortValue();
    if (port < 1 || port > 65535) {
      errors.add(af + ".port_value", port + " is outside 1..65535");
      return null;
    }
    int weight = 1;
    if (lb.hasLoadBalancingWeight()) {
      long w = Integer.toUnsignedLong(lb.getLoadBalancingWeight().getValue());
      if (w < 1 || w > Integer.MAX_VALUE) {
        errors.add(f + ".load_balancing_weight", w + " is outside 1.." + Integer.MAX_VALUE);
        return null;
      }
      weight = (int) w;
    }
    Endpoint.Builder b;
    try {
      String host = sa.getAddress();
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      b = Endpoint.builder(host, port);
      b.weight(weight).locality(locality).priority(priority);
      if (!lb.getEndpoint().getHostname().isEmpty()) {
        b.metadata(HOSTNAME_METADATA, lb.getEndpoint().getHostname());
      }
      switch (lb.getHealthStatus()) {
        case HEALTHY, UNKNOWN -> b.health(EndpointHealth.HEALTHY);
        case DRAINING -> b.health(EndpointHealth.DRAINING);
        case UNHEALTHY, TIMEOUT -> b.health(EndpointHealth.UNHEALTHY);
        case DEGRADED -> {
          // Envoy sends traffic to degraded endpoints only when healthy ones lack capacity: the
          // mesh's "unhealthy" (used only when nothing else is left) is the nearest state
          b.health(EndpointHealth.UNHEALTHY).metadata(HEALTH_STATUS_METADATA, "DEGRADED");
        }
        default -> {
          errors.add(f + ".health_status", "unknown value " + lb.getHealthStatusValue());
          return null;
        }
      }
      Endpoint e = b.build();
      Endpoint.parse(e.authority()); // the host check requests would otherwise fail on
      if (!seen.add(e.authority())) {
        errors.add(af, "duplicate address " + e.authority());
        return null;
      }
      return e;
    } catch (IllegalArgumentException e) {
      errors.add(af + ".address", e.getMessage());
      return null;
    }
  }
}
