package io.mesh4j.xds.internal.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bad input becomes errors for the NACK, never an exception that would take the ADS stream down. */
class MalformedInputTest {

  private static final ByteString GARBAGE = ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x7f});

  private static Any garbage(String type) {
    return Any.newBuilder().setTypeUrl("type.googleapis.com/" + type).setValue(GARBAGE).build();
  }

  @Test
  void undecodableTypedConfigsAreErrorsNamingTheField() {
    MappedCluster tls = ClusterMapper.map(IstioFixtures.cluster().setTransportSocket(TransportSocket.newBuilder()
        .setName("tls").setTypedConfig(garbage(UpstreamTlsMapper.TLS))).build());
    assertThat(tls.errors()).singleElement().asString()
        .startsWith("transport_socket.typed_config: cannot be read as UpstreamTlsContext");
    assertThat(tls.serviceKeys()).doesNotContainKey("tls.mode");

    MappedCluster lb = ClusterMapper.map(IstioFixtures.cluster().setLoadBalancingPolicy(LoadBalancingPolicy.newBuilder()
        .addPolicies(LoadBalancingPolicy.Policy.newBuilder().setTypedExtensionConfig(TypedExtensionConfig.newBuilder()
            .setTypedConfig(garbage("envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash"))))).build());
    assertThat(lb.errors()).singleElement().asString()
        .startsWith("load_balancing_policy.policies[0].typed_extension_config.typed_config: cannot be read as");

    MappedListener listener = ListenerMapper.map(Listener.newBuilder().setName("l")
        .setApiListener(ApiListener.newBuilder().setApiListener(garbage(ListenerMapper.HCM))).build());
    assertThat(listener.errors()).singleElement().asString()
        .startsWith("api_listener.api_listener: cannot be read as HttpConnectionManager");
  }

  @Test
  void emptyResourcesAreErrorsOrEmptyNeverExceptions() {
    assertThat(ClusterMapper.map(Cluster.getDefaultInstance()).errors()).isNotEmpty();
    assertThat(ListenerMapper.map(Listener.getDefaultInstance()).errors()).isNotEmpty();
    assertThat(EndpointMapper.map(ClusterLoadAssignment.getDefaultInstance()).errors()).isEmpty();
    MappedRoutes routes = RouteMapper.map(RouteConfiguration.getDefaultInstance());
    assertThat(routes.errors()).isEmpty();
    assertThat(routes.table().match("GET", "orders", "/", okhttp3.Headers.of())).isNull();
  }

  @Test
  void randomRegexesNeverThrow() {
    Random random = new Random(42);
    String alphabet = "ab()[]{}*+?|\\^$.:-&=!<>PQEvdz,0123456789";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder re = new StringBuilder();
      int n = random.nextInt(12);
      for (int j = 0; j < n; j++) {
        re.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      Errors errors = new Errors();
      com.google.re2j.Pattern p = Re2.compile(re.toString(), "f", errors);
      assertThat(p == null).as(re.toString()).isEqualTo(!errors.isEmpty());
    }
  }

  @Test
  void randomBytesAsResourcesNeverThrow() {
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      for (Runnable r : List.<Runnable>of(
          () -> ClusterMapper.map(parse(Cluster.parser(), bytes, Cluster.getDefaultInstance())),
          () -> EndpointMapper.map(parse(ClusterLoadAssignment.parser(), bytes, ClusterLoadAssignment.getDefaultInstance())),
          () -> ListenerMapper.map(parse(Listener.parser(), bytes, Listener.getDefaultInstance())),
          () -> RouteMapper.map(parse(RouteConfiguration.parser(), bytes, RouteConfiguration.getDefaultInstance())))) {
        r.run();
      }
    }
  }

  private static <T> T parse(com.google.protobuf.Parser<T> parser, byte[] bytes, T fallback) {
    try {
      return parser.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return fallback;
    }
  }
}
