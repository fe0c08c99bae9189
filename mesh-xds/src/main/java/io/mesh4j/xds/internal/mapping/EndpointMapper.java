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
  /**
   * The most a priority's weights are scaled to add up to: the mesh's weights are ints, and the
   * "at least 1" of scaled-down weights must not push a sum past Integer.MAX_VALUE.
   */
  private static final BigInteger FOLDED_LIMIT = BigInteger.valueOf(1 << 30);

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
      List<Long> weights = new ArrayList<>();
      for (int j = 0; j < group.getLbEndpointsCount(); j++) {
        LbEndpoint lb = group.getLbEndpoints(j);
        Endpoint e = endpoint(lb, f + ".lb_endpoints[" + j + "]", locality, group.getPriority(), seen, errors);
        if (e != null) {
          long w = lb.hasLoadBalancingWeight() ? Integer.toUnsignedLong(lb.getLoadBalancingWeight().getValue()) : 1;
          members.add(e);
          weights.add(w);
          sum += w;
        }
      }
      if (sum > UINT32_MAX) {
        errors.add(f + ".lb_endpoints", "the weights add up to " + sum + ", above Envoy's limit of " + UINT32_MAX);
      }
      folded.add(new Folded(group.getPriority(), members, weights, localityWeight, sum));
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
    for (int priority : priorities) {
      weigh(folded.stream().filter(g -> g.priority == priority && g.sum > 0).toList(), localityWeighted, weighted);
    }
    for (Folded g : folded) {
      out.addAll(weighted.getOrDefault(g, List.of()));
    }
    return new MappedEndpoints(out, errors.toList());
  }

  /**
   * One priority's endpoint weights. With locality weights, they are folded in: endpoint e of
   * locality L gets W(L) × w(e) / S(L) of the priority (S(L): L's endpoint weights' sum), as Envoy
   * picks a locality by weight then an endpoint in it, made whole with the least common multiple of
   * the S(L) (then divided by the weights' common divisor), so the shares are exact. Only when the
   * weights would add up to more than the mesh's int weights take are they scaled down
   * proportionally (an endpoint keeps at least 1).
   */
  private static void weigh(List<Folded> groups, boolean localityWeighted, Map<Folded, List<Endpoint>> out) {
    BigInteger lcm = BigInteger.ONE;
    for (Folded g : groups) {
      BigInteger s = BigInteger.valueOf(g.sum);
      lcm = lcm.divide(lcm.gcd(s)).multiply(s);
    }
    List<BigInteger> exact = new ArrayList<>();
    BigInteger gcd = BigInteger.ZERO;
    BigInteger total = BigInteger.ZERO;
    for (Folded g : groups) {
      BigInteger perUnit = localityWeighted
          ? BigInteger.valueOf(g.localityWeight).multiply(lcm.divide(BigInteger.valueOf(g.sum)))
          : BigInteger.ONE;
      for (long raw : g.weights) {
        BigInteger w = perUnit.multiply(BigInteger.valueOf(raw));
        exact.add(w);
        gcd = gcd.gcd(w);
        total = total.add(w);
      }
    }
    if (!localityWeighted || gcd.signum() == 0) {
      gcd = BigInteger.ONE; // the control plane's own weights stay as sent when they fit
    }
    total = total.divide(gcd);
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

  /** A locality's endpoints, their weights as sent (uint32), its weight and their weights' sum. */
  private record Folded(int priority, List<Endpoint> members, List<Long> weights, long localityWeight, long sum) {}

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
    if (lb.hasLoadBalancingWeight() && lb.getLoadBalancingWeight().getValue() == 0) {
      errors.add(f + ".load_balancing_weight", "0 is outside 1.." + UINT32_MAX);
      return null;
    }
    int weight = 1; // the weight as sent (up to uint32) is applied by weigh()
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
