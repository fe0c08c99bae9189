package io.mesh4j.xds.internal.mapping;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.EndpointHealth;
import io.mesh4j.discovery.Locality;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

  /** Resolution of the folded weights when a locality's weight is not a multiple of its endpoints' sum. */
  private static final long SCALE = 100;

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
    boolean exact = true;
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
      if (localityWeighted && sum > 0) {
        exact &= localityWeight % sum == 0;
      }
      folded.add(new Folded(members, localityWeight, sum));
    }
    if (!priorities.isEmpty() && priorities.size() - 1 != ((TreeSet<Integer>) priorities).last()) {
      errors.add("endpoints", "priorities " + priorities + " are not contiguous from 0");
    }
    long total = 0;
    for (Folded g : folded) {
      for (Endpoint e : g.members) {
        int weight = e.weight();
        if (localityWeighted) {
          // endpoint share within its locality × locality weight
          double w = (double) g.localityWeight * e.weight() / g.sum * (exact ? 1 : SCALE);
          weight = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(w)));
        }
        total += weight;
        out.add(weight == e.weight() ? e : e.withWeight(weight));
      }
    }
    if (total > 0xFFFF_FFFFL) {
      errors.add("endpoints", "the weights add up to " + total + ", above Envoy's limit of 4294967295");
    }
    return new MappedEndpoints(out, errors.toList());
  }

  private record Folded(List<Endpoint> members, long localityWeight, long sum) {}

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
