package io.mesh4j.xds.internal.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Pipe;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.mesh4j.discovery.EndpointHealth;
import io.mesh4j.discovery.Locality;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointMapperTest {

  static LbEndpoint.Builder lb(String host, int port, int weight) {
    return lb(host, port).setLoadBalancingWeight(UInt32Value.of(weight));
  }

  static LbEndpoint.Builder lb(String host, int port) {
    return LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port))));
  }

  static LocalityLbEndpoints.Builder locality(String region, String zone, String subZone) {
    return LocalityLbEndpoints.newBuilder().setLocality(io.envoyproxy.envoy.config.core.v3.Locality.newBuilder()
        .setRegion(region).setZone(zone).setSubZone(subZone));
  }

  static ClusterLoadAssignment cla(LocalityLbEndpoints.Builder... groups) {
    ClusterLoadAssignment.Builder b = ClusterLoadAssignment.newBuilder().setClusterName(IstioFixtures.CLUSTER);
    for (LocalityLbEndpoints.Builder g : groups) {
      b.addEndpoints(g);
    }
    return b.build();
  }

  private static List<io.mesh4j.discovery.Endpoint> valid(ClusterLoadAssignment cla) {
    MappedEndpoints m = EndpointMapper.map(cla);
    assertThat(m.errors()).isEmpty();
    return m.endpoints();
  }

  private static String errors(ClusterLoadAssignment cla) {
    MappedEndpoints m = EndpointMapper.map(cla);
    assertThat(m.errors()).isNotEmpty();
    return String.join("\n", m.errors());
  }

  @Test
  void localityPriorityWeightAndAddressCarryOver() {
    List<io.mesh4j.discovery.Endpoint> eps = valid(cla(
        locality("eu-west", "eu-west-1a", "rack1").addLbEndpoints(lb("10.0.0.1", 8080)
            .setLoadBalancingWeight(UInt32Value.of(3))),
        locality("eu-west", "eu-west-1b", "").setPriority(1).addLbEndpoints(lb("2001:db8::1", 8080)
            .setEndpoint(Endpoint.newBuilder().setHostname("orders-1").setAddress(Address.newBuilder()
                .setSocketAddress(SocketAddress.newBuilder().setAddress("2001:db8::1").setPortValue(8080)))))));
    assertThat(eps).hasSize(2);
    io.mesh4j.discovery.Endpoint a = eps.get(0);
    assertThat(a.authority()).isEqualTo("10.0.0.1:8080");
    assertThat(a.weight()).isEqualTo(3);
    assertThat(a.locality()).isEqualTo(new Locality("eu-west", "eu-west-1a", "rack1"));
    assertThat(a.priority()).isZero();
    io.mesh4j.discovery.Endpoint b = eps.get(1);
    assertThat(b.authority()).isEqualTo("[2001:db8::1]:8080");
    assertThat(b.weight()).isEqualTo(1);
    assertThat(b.priority()).isEqualTo(1);
    assertThat(b.metadata()).containsEntry(EndpointMapper.HOSTNAME_METADATA, "orders-1");
  }

  @Test
  void healthStatusesMapAsEnvoyFiltersThem() {
    List<io.mesh4j.discovery.Endpoint> eps = valid(cla(locality("", "a", "")
        .addLbEndpoints(lb("10.0.0.1", 1).setHealthStatus(HealthStatus.HEALTHY))
        .addLbEndpoints(lb("10.0.0.2", 1).setHealthStatus(HealthStatus.UNKNOWN))
        .addLbEndpoints(lb("10.0.0.3", 1).setHealthStatus(HealthStatus.DRAINING))
        .addLbEndpoints(lb("10.0.0.4", 1).setHealthStatus(HealthStatus.UNHEALTHY))
        .addLbEndpoints(lb("10.0.0.5", 1).setHealthStatus(HealthStatus.TIMEOUT))
        .addLbEndpoints(lb("10.0.0.6", 1).setHealthStatus(HealthStatus.DEGRADED))));
    assertThat(eps).extracting(io.mesh4j.discovery.Endpoint::health).containsExactly(
        EndpointHealth.HEALTHY, EndpointHealth.HEALTHY, EndpointHealth.DRAINING, EndpointHealth.UNHEALTHY,
        EndpointHealth.UNHEALTHY, EndpointHealth.UNHEALTHY);
    assertThat(eps.get(5).metadata()).containsEntry(EndpointMapper.HEALTH_STATUS_METADATA, "DEGRADED");
  }

  @Test
  void istiosLocalityWeightsEqualToTheirEndpointsSumLeaveWeightsAlone() {
    List<io.mesh4j.discovery.Endpoint> eps = valid(cla(
        locality("r", "a", "").setLoadBalancingWeight(UInt32Value.of(3))
            .addLbEndpoints(lb("10.0.0.1", 80).setLoadBalancingWeight(UInt32Value.of(1)))
            .addLbEndpoints(lb("10.0.0.2", 80).setLoadBalancingWeight(UInt32Value.of(2))),
        locality("r", "b", "").setLoadBalancingWeight(UInt32Value.of(1)).addLbEndpoints(lb("10.0.0.3", 80))));
    assertThat(eps).extracting(io.mesh4j.discovery.Endpoint::weight).containsExactly(1, 2, 1);
  }

  @Test
  void localityWeightsAreFoldedIntoEndpointWeightsKeepingEachLocalitysShare() {
    // locality a: weight 1 over 3 endpoints; b: weight 3 over 1 endpoint -> a gets 1/4 of the traffic
    List<io.mesh4j.discovery.Endpoint> eps = valid(cla(
        locality("r", "a", "").setLoadBalancingWeight(UInt32Value.of(1))
            .addLbEndpoints(lb("10.0.0.1", 80)).addLbEndpoints(lb("10.0.0.2", 80)).addLbEndpoints(lb("10.0.0.3", 80)),
        locality("r", "b", "").setLoadBalancingWeight(UInt32Value.of(3)).addLbEndpoints(lb("10.0.0.4", 80)),
        locality("r", "c", "").addLbEndpoints(lb("10.0.0.5", 80))));
    long a = eps.stream().filter(e -> e.locality().zone().equals("a")).mapToLong(io.mesh4j.discovery.Endpoint::weight).sum();
    long b = eps.stream().filter(e -> e.locality().zone().equals("b")).mapToLong(io.mesh4j.discovery.Endpoint::weight).sum();
    assertThat((double) a / (a + b)).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.01));
    assertThat(eps).as("an unweighted locality among weighted ones gets nothing")
        .noneMatch(e -> e.locality().zone().equals("c"));
  }

  private static long share(List<io.mesh4j.discovery.Endpoint> eps, String zone) {
    return eps.stream().filter(e -> e.locality().zone().equals(zone)).mapToLong(io.mesh4j.discovery.Endpoint::weight).sum();
  }

  @Test
  void foldedWeightsKeepExactSharesWhateverTheLocalitySizes() {
    LocalityLbEndpoints.Builder big = locality("r", "a", "").setLoadBalancingWeight(UInt32Value.of(1));
    for (int i = 0; i < 1000; i++) {
      big.addLbEndpoints(lb("10.1." + (i / 250) + "." + (i % 250 + 1), 80));
    }
    List<io.mesh4j.discovery.Endpoint> eps = valid(cla(big,
        locality("r", "b", "").setLoadBalancingWeight(UInt32Value.of(1))
            .addLbEndpoints(lb("10.2.0.1", 80)).addLbEndpoints(lb("10.2.0.2", 80)).addLbEndpoints(lb("10.2.0.3", 80))));
    long a = share(eps, "a");
    long b = share(eps, "b");
    assertThat((double) a / (a + b)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void foldedWeightsBeyondTheMeshsRangeAreScaledDownProportionally() {
    List<io.mesh4j.discovery.Endpoint> eps = valid(cla(
        locality("r", "a", "").setLoadBalancingWeight(UInt32Value.of(2_000_000_000))
            .addLbEndpoints(lb("10.0.0.1", 80, 7)).addLbEndpoints(lb("10.0.0.2", 80, 11)),
        locality("r", "b", "").setLoadBalancingWeight(UInt32Value.of(1_000_000_000))
            .addLbEndpoints(lb("10.0.1.1", 80, 13)).addLbEndpoints(lb("10.0.1.2", 80, 17))));
    long a = share(eps, "a");
    long b = share(eps, "b");
    assertThat(a + b).isLessThanOrEqualTo(Integer.MAX_VALUE);
    assertThat((double) a / (a + b)).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(0.001));
    assertThat((double) eps.get(0).weight() / eps.get(1).weight()).isCloseTo(7.0 / 11, org.assertj.core.data.Offset.offset(0.001));
  }

  @Test
  void endpointWeightsBeyondIntAsEnvoyAcceptsThemAreScaledDown() {
    List<io.mesh4j.discovery.Endpoint> eps = valid(cla(locality("r", "a", "")
        .addLbEndpoints(lb("10.0.0.1", 80).setLoadBalancingWeight(UInt32Value.of((int) 3_000_000_000L)))
        .addLbEndpoints(lb("10.0.0.2", 80, 1_000_000_000))));
    assertThat((double) eps.get(0).weight() / eps.get(1).weight()).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.001));
    assertThat(valid(cla(locality("r", "a", "").addLbEndpoints(lb("10.0.0.1", 80, 2)).addLbEndpoints(lb("10.0.0.2", 80, 4))))
        .stream().map(io.mesh4j.discovery.Endpoint::weight)).as("weights that fit stay as sent").containsExactly(2, 4);
  }

  @Test
  void addressesTheMeshCannotCallAreErrorsNamingTheField() {
    assertThat(errors(cla(locality("", "", "").addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
            .setAddress(Address.newBuilder().setPipe(Pipe.newBuilder().setPath("/tmp/s"))))))))
        .contains("endpoints[0].lb_endpoints[0].endpoint.address: PIPE is not supported");
    assertThat(errors(cla(locality("", "", "").addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
            .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("10.0.0.1")
                .setNamedPort("http"))))))))
        .contains("socket_address: named_port is not supported");
    assertThat(errors(cla(locality("", "", "").addLbEndpoints(lb("10.0.0.1", 0)))))
        .contains("port_value: 0 is outside 1..65535");
    assertThat(errors(cla(locality("", "", "").addLbEndpoints(lb("not a host", 80)))))
        .contains("socket_address.address: 'not a host' is not a host name or IP address");
    assertThat(errors(cla(locality("", "", "").addLbEndpoints(lb("10.0.0.1", 80)
            .setLoadBalancingWeight(UInt32Value.of(0))))))
        .contains("lb_endpoints[0].load_balancing_weight: 0 is outside 1..");
  }

  @Test
  void duplicateAddressesAndPriorityGapsAreErrors() {
    assertThat(errors(cla(locality("", "a", "").addLbEndpoints(lb("10.0.0.1", 80)),
            locality("", "b", "").addLbEndpoints(lb("10.0.0.1", 80)))))
        .contains("endpoints[1].lb_endpoints[0].endpoint.address.socket_address: duplicate address 10.0.0.1:80");
    assertThat(errors(cla(locality("", "a", "").addLbEndpoints(lb("10.0.0.1", 80)),
            locality("", "b", "").setPriority(2).addLbEndpoints(lb("10.0.0.2", 80)))))
        .contains("endpoints: priorities [0, 2] are not contiguous from 0");
  }

  @Test
  void dropOverloadsAreIgnoredAndAnEmptyAssignmentIsValid() {
    ClusterLoadAssignment cla = cla(locality("", "", "").addLbEndpoints(lb("10.0.0.1", 80))).toBuilder()
        .setPolicy(ClusterLoadAssignment.Policy.newBuilder().addDropOverloads(
            ClusterLoadAssignment.Policy.DropOverload.newBuilder().setCategory("lb")
                .setDropPercentage(FractionalPercent.newBuilder().setNumerator(50))))
        .build();
    assertThat(valid(cla)).hasSize(1);
    assertThat(valid(ClusterLoadAssignment.newBuilder().setClusterName("x").build())).isEmpty();
  }
}
