package io.mesh4j.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditionsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.mesh4j.discovery.EndpointHealth;
import io.mesh4j.discovery.Locality;
import io.mesh4j.discovery.kubernetes.internal.SliceMapper.ServiceState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping from a Service and its EndpointSlices to the mesh's endpoints, without a server. */
class SliceMapperTest {

  private static final String KEY = "mesh.services.orders.kubernetes.port";
  private final List<String> skipped = new ArrayList<>();

  @Test
  void readyIsHealthyServingAndTerminatingIsDrainingNotReadyIsUnhealthyAndTerminatingWithoutServingIsLeftOut() {
    EndpointSlice slice = slice("orders-a", List.of(port("http", 8080)),
        endpoint("10.0.0.1", conditions(true, true, false)),
        endpoint("10.0.0.2", conditions(false, true, true)),
        endpoint("10.0.0.3", conditions(false, false, false)),
        endpoint("10.0.0.4", conditions(false, false, true)));

    List<io.mesh4j.discovery.Endpoint> endpoints = mapped(null, ServiceState.UNKNOWN, PortSelector.SINGLE, slice);

    assertThat(endpoints).extracting(io.mesh4j.discovery.Endpoint::host, io.mesh4j.discovery.Endpoint::health)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("10.0.0.1", EndpointHealth.HEALTHY),
            org.assertj.core.groups.Tuple.tuple("10.0.0.2", EndpointHealth.DRAINING),
            org.assertj.core.groups.Tuple.tuple("10.0.0.3", EndpointHealth.UNHEALTHY));
  }

  @Test
  void missingConditionsReadAsTheApiSaysReadyAndServingTrueTerminatingFalse() {
    assertThat(SliceMapper.health(null)).isEqualTo(EndpointHealth.HEALTHY);
    assertThat(SliceMapper.health(new EndpointConditions())).isEqualTo(EndpointHealth.HEALTHY);
    assertThat(SliceMapper.health(new EndpointConditionsBuilder().withTerminating(true).build()))
        .isEqualTo(EndpointHealth.DRAINING);
    // publishNotReadyAddresses keeps ready true while a pod terminates: it still drains
    assertThat(SliceMapper.health(conditions(true, true, true))).isEqualTo(EndpointHealth.DRAINING);
  }

  @Test
  void zoneNodeHostnamePodAndZoneHintsAreCarried() {
    Endpoint e = new EndpointBuilder(endpoint("10.0.0.1", conditions(true, true, false)))
        .withZone("eu-west-1a")
        .withNodeName("node-7")
        .withHostname("orders-0")
        .withNewTargetRef().withKind("Pod").withName("orders-7d9f").endTargetRef()
        .withNewHints().addNewForZone("eu-west-1b").addNewForZone("eu-west-1a").endHints()
        .build();

    io.mesh4j.discovery.Endpoint mapped =
        mapped(null, ServiceState.UNKNOWN, PortSelector.SINGLE, slice("s", List.of(port("", 8080)), e)).get(0);

    assertThat(mapped.locality()).isEqualTo(Locality.zone("eu-west-1a"));
    assertThat(mapped.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of(
        SliceMapper.NODE, "node-7",
        SliceMapper.HOSTNAME, "orders-0",
        SliceMapper.POD, "orders-7d9f",
        SliceMapper.ZONE_HINTS, "eu-west-1a,eu-west-1b"));
    assertThat(mapped.weight()).isEqualTo(1);
    assertThat(mapped.priority()).isZero();
  }

  @Test
  void theDeprecatedTopologyZoneIsUsedWhenTheZoneFieldIsMissing() {
    Endpoint e = new EndpointBuilder(endpoint("10.0.0.1", null))
        .withDeprecatedTopology(Map.of("topology.kubernetes.io/zone", "b"))
        .build();
    assertThat(mapped(null, ServiceState.UNKNOWN, PortSelector.SINGLE, slice("s", List.of(port("", 80)), e)).get(0).zone())
        .isEqualTo("b");
  }

  @Test
  void aNamedPortIsFoundInEachSliceWhateverItsNumberThere() {
    // two generations of pods during a rollout listen on different target ports
    EndpointSlice old = slice("orders-old", List.of(port("http", 8080), port("metrics", 9090)),
        endpoint("10.0.0.1", null));
    EndpointSlice next = slice("orders-new", List.of(port("metrics", 9191), port("http", 8081)),
        endpoint("10.0.0.2", null));

    assertThat(mapped(null, ServiceState.UNKNOWN, PortSelector.parse("http"), old, next))
        .extracting(io.mesh4j.discovery.Endpoint::authority)
        .containsExactly("10.0.0.1:8080", "10.0.0.2:8081");
  }

  @Test
  void aNumberThatIsAServicePortMeansThatPortsTargetInEverySlice() {
    Service service = service(servicePort("http", 80, 8080), servicePort("metrics", 9090, 9090));
    EndpointSlice s = slice("s", List.of(port("http", 8080), port("metrics", 9090)), endpoint("10.0.0.1", null));

    assertThat(mapped(service, ServiceState.PRESENT, PortSelector.parse("80"), s))
        .extracting(io.mesh4j.discovery.Endpoint::authority).containsExactly("10.0.0.1:8080");
    // not a Service port: the pods' own port number
    assertThat(mapped(service, ServiceState.PRESENT, PortSelector.parse("9090"), s))
        .extracting(io.mesh4j.discovery.Endpoint::authority).containsExactly("10.0.0.1:9090");
  }

  @Test
  void withoutTheKeyTheServicesOnlyPortIsUsedEvenUnnamed() {
    Service service = service(servicePort(null, 80, 8080));
    EndpointSlice s = slice("s", List.of(port(null, 8080)), endpoint("10.0.0.1", null));

    assertThat(mapped(service, ServiceState.PRESENT, PortSelector.SINGLE, s))
        .extracting(io.mesh4j.discovery.Endpoint::authority).containsExactly("10.0.0.1:8080");
  }

  @Test
  void withoutTheKeyAServiceWithSeveralPortsIsAnErrorNamingTheKeyAndThePorts() {
    Service service = service(servicePort("http", 80, 8080), servicePort("grpc", 9000, 9000));
    EndpointSlice s = slice("s", List.of(port("http", 8080), port("grpc", 9000)), endpoint("10.0.0.1", null));

    SliceMapper.Result result = map(service, ServiceState.PRESENT, PortSelector.SINGLE, s);

    assertThat(result).isInstanceOf(SliceMapper.Failed.class);
    assertThat(((SliceMapper.Failed) result).message())
        .contains(KEY + " is not set", "default/orders", "several ports", "http 80", "grpc 9000");
  }

  @Test
  void withoutTheServiceSeveralPortNamesInTheSlicesAreAnErrorToo() {
    EndpointSlice s = slice("s", List.of(port("http", 8080), port("grpc", 9000)), endpoint("10.0.0.1", null));
    SliceMapper.Result result = map(null, ServiceState.UNKNOWN, PortSelector.SINGLE, s);
    assertThat(((SliceMapper.Failed) result).message()).contains(KEY, "http", "grpc");
  }

  @Test
  void aPortNameTheServiceDoesNotHaveIsAnErrorListingItsPorts() {
    Service service = service(servicePort("http", 80, 8080));
    EndpointSlice s = slice("s", List.of(port("http", 8080)), endpoint("10.0.0.1", null));

    SliceMapper.Result result = map(service, ServiceState.PRESENT, PortSelector.parse("grcp"), s);

    assertThat(((SliceMapper.Failed) result).message())
        .isEqualTo(KEY + "=grcp: Service default/orders has no port named 'grcp' (its ports: http 80)");
  }

  @Test
  void aPortNoSliceHasIsAnErrorListingTheSlicesPorts() {
    EndpointSlice s = slice("s", List.of(port("http", 8080)), endpoint("10.0.0.1", null));
    SliceMapper.Result result = map(null, ServiceState.UNKNOWN, PortSelector.parse("admin"), s);
    assertThat(((SliceMapper.Failed) result).message())
        .contains("no EndpointSlice of Service default/orders has port 'admin'", KEY, "http=8080");
  }

  @Test
  void udpPortsAreNotCandidates() {
    EndpointPort dns = new EndpointPortBuilder().withName("dns").withPort(53).withProtocol("UDP").build();
    EndpointSlice s = slice("s", List.of(dns, port("http", 8080)), endpoint("10.0.0.1", null));
    assertThat(mapped(null, ServiceState.UNKNOWN, PortSelector.SINGLE, s))
        .extracting(io.mesh4j.discovery.Endpoint::port).containsExactly(8080);
  }

  @Test
  void aSliceWithoutPortsTakesTheNumberGiven() {
    EndpointSlice s = slice("s", List.of(), endpoint("10.0.0.1", null));
    assertThat(mapped(null, ServiceState.UNKNOWN, PortSelector.parse("7000"), s))
        .extracting(io.mesh4j.discovery.Endpoint::authority).containsExactly("10.0.0.1:7000");
  }

  @Test
  void anAddressInTwoSlicesIsListedOnceWithItsHealthierState() {
    EndpointSlice a = slice("a", List.of(port("", 80)), endpoint("10.0.0.1", conditions(false, true, true)));
    EndpointSlice b = slice("b", List.of(port("", 80)), endpoint("10.0.0.1", conditions(true, true, false)));
    List<io.mesh4j.discovery.Endpoint> endpoints = mapped(null, ServiceState.UNKNOWN, PortSelector.SINGLE, a, b);
    assertThat(endpoints).hasSize(1);
    assertThat(endpoints.get(0).health()).isEqualTo(EndpointHealth.HEALTHY);
  }

  @Test
  void endpointsAreSortedSoThatTheSameSlicesInAnotherOrderMapToAnEqualList() {
    EndpointSlice a = slice("a", List.of(port("", 80)), endpoint("10.0.0.9", null), endpoint("10.0.0.1", null));
    EndpointSlice b = slice("b", List.of(port("", 80)), endpoint("10.0.0.5", null));
    assertThat(mapped(null, ServiceState.UNKNOWN, PortSelector.SINGLE, a, b))
        .isEqualTo(mapped(null, ServiceState.UNKNOWN, PortSelector.SINGLE, b, a))
        .extracting(io.mesh4j.discovery.Endpoint::host).containsExactly("10.0.0.1", "10.0.0.5", "10.0.0.9");
  }

  @Test
  void malformedEndpointsAreSkippedAndToldWithoutPoisoningTheRest() {
    EndpointSlice good = slice("good", List.of(port("", 80)), endpoint("10.0.0.1", null));
    EndpointSlice noAddress = slice("no-address", List.of(port("", 80)),
        new EndpointBuilder().withAddresses(List.of()).build(), endpoint("10.0.0.2", null));
    EndpointSlice badPort = slice("bad-port", List.of(port("", 70000)), endpoint("10.0.0.3", null));

    List<io.mesh4j.discovery.Endpoint> endpoints =
        mapped(null, ServiceState.UNKNOWN, PortSelector.SINGLE, good, noAddress, badPort);

    assertThat(endpoints).extracting(io.mesh4j.discovery.Endpoint::authority)
        .containsExactly("10.0.0.1:80", "10.0.0.2:80");
    assertThat(skipped).containsExactlyInAnyOrder(
        "no-address: an endpoint without address",
        "bad-port: a bad endpoint 10.0.0.3:70000 (endpoint port 70000 (expected: 1..65535))");
  }

  @Test
  void anIpv6AddressIsKeptAsAHostWithoutBrackets() {
    EndpointSlice s = new EndpointSliceBuilder(slice("v6", List.of(port("", 80)), endpoint("fd00::1", null)))
        .withAddressType("IPv6").build();
    io.mesh4j.discovery.Endpoint e = mapped(null, ServiceState.UNKNOWN, PortSelector.SINGLE, s).get(0);
    assertThat(e.host()).isEqualTo("fd00::1");
    assertThat(e.authority()).isEqualTo("[fd00::1]:80");
  }

  @Test
  void aServiceWithoutSlicesIsAnEmptyListAndADeletedServiceIsAbsent() {
    assertThat(mapped(service(servicePort("http", 80, 8080)), ServiceState.PRESENT, PortSelector.SINGLE)).isEmpty();
    assertThat(map(null, ServiceState.ABSENT, PortSelector.SINGLE,
        slice("left-over", List.of(port("", 80)), endpoint("10.0.0.1", null))))
        .isInstanceOf(SliceMapper.Absent.class);
  }

  @Test
  void portKeysAreParsedWithClearMessages() {
    assertThat(PortSelector.parse("http")).isEqualTo(PortSelector.parse(" http "));
    assertThat(PortSelector.parse(null)).isSameAs(PortSelector.SINGLE);
    assertThatThrownBy(() -> PortSelector.parse("0")).hasMessage("port 0 is out of range 1..65535");
    assertThatThrownBy(() -> PortSelector.parse("99999999999")).hasMessage("port 99999999999 is out of range 1..65535");
    assertThatThrownBy(() -> PortSelector.parse("HTTP"))
        .hasMessage("'HTTP' is neither a port number nor a port name (lower-case letters, digits and '-')");
    assertThatThrownBy(() -> PortSelector.parse("")).hasMessage("empty port");
  }

  private List<io.mesh4j.discovery.Endpoint> mapped(
      Service service, ServiceState state, PortSelector port, EndpointSlice... slices) {
    SliceMapper.Result result = map(service, state, port, slices);
    assertThat(result).isInstanceOf(SliceMapper.Mapped.class);
    return ((SliceMapper.Mapped) result).endpoints();
  }

  private SliceMapper.Result map(Service service, ServiceState state, PortSelector port, EndpointSlice... slices) {
    return SliceMapper.map(state, service, Arrays.asList(slices), port, KEY, "default/orders",
        (slice, reason) -> skipped.add(slice + ": " + reason));
  }

  private static EndpointSlice slice(String name, List<EndpointPort> ports, Endpoint... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata().withName(name).withNamespace("default")
        .addToLabels("kubernetes.io/service-name", "orders").endMetadata()
        .withAddressType("IPv4")
        .withPorts(ports)
        .withEndpoints(endpoints)
        .build();
  }

  private static EndpointPort port(String name, int number) {
    return new EndpointPortBuilder().withName(name).withPort(number).withProtocol("TCP").build();
  }

  private static Endpoint endpoint(String address, EndpointConditions conditions) {
    return new EndpointBuilder().withAddresses(address).withConditions(conditions).build();
  }

  private static EndpointConditions conditions(boolean ready, boolean serving, boolean terminating) {
    return new EndpointConditionsBuilder().withReady(ready).withServing(serving).withTerminating(terminating).build();
  }

  private static Service service(ServicePort... ports) {
    return new ServiceBuilder().withNewMetadata().withName("orders").withNamespace("default").endMetadata()
        .withNewSpec().withPorts(ports).endSpec().build();
  }

  private static ServicePort servicePort(String name, int port, int target) {
    return new ServicePortBuilder().withName(name).withPort(port).withTargetPort(new IntOrString(target))
        .withProtocol("TCP").build();
  }
}
