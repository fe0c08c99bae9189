package io.mesh4j.samples;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's control plane: java-control-plane's real ADS server in the demo's JVM, serving the
 * resources istiod would serve a proxyless client for {@code orders:8080} with two subsets (v1, v2):
 * an API listener, its routes (weighted between the subsets, Istio's default retries, a timeout),
 * one EDS cluster per subset with Istio's mTLS shape (the SPIFFE ID orders must present) and
 * outlier detection, and the subsets' endpoints.
 */
final class XdsDemoControlPlane implements AutoCloseable {

  static final String LISTENER = "orders.default.svc.cluster.local:8080";
  static final String ROUTES = "outbound|8080||orders.default.svc.cluster.local";
  static final String V1 = "outbound|8080|v1|orders.default.svc.cluster.local";
  static final String V2 = "outbound|8080|v2|orders.default.svc.cluster.local";

  private final SimpleCache<String> cache;
  private final Server server;

  private XdsDemoControlPlane(SimpleCache<String> cache, Server server) {
    this.cache = cache;
    this.server = server;
  }

  /** Starts the ADS server on 127.0.0.1, a free port; every node gets the same snapshot. */
  static XdsDemoControlPlane start() throws IOException {
    SimpleCache<String> cache = new SimpleCache<>(node -> "demo");
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new V3DiscoveryServer(cache).getAggregatedDiscoveryServiceImpl())
        .build()
        .start();
    return new XdsDemoControlPlane(cache, server);
  }

  /** Where the mesh's {@code mesh.xds.server} points. */
  String address() {
    return "127.0.0.1:" + server.getPort();
  }

  /**
   * Publishes a version: the routes send {@code v1Weight} parts to v1 and {@code v2Weight} to v2 (a
   * subset with weight 0 is left out of the route), {@code v2Transport} as v2's transport socket.
   */
  void publish(String version, int v1Weight, int v2Weight, List<OrdersBackend> v1, List<OrdersBackend> v2,
      TransportSocket v2Transport) {
    cache.setSnapshot("demo", Snapshot.create(
        List.of(cluster(V1, mtls()), cluster(V2, v2Transport)),
        List.of(endpoints(V1, v1), endpoints(V2, v2)),
        List.of(listener()),
        List.of(routes(v1Weight, v2Weight)),
        List.of(),
        version));
  }

  /** Istio's mTLS for a cluster: the mesh's own certificates, orders' SPIFFE ID required. */
  static TransportSocket mtls() {
    UpstreamTlsContext tls = UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                .setInstanceName("default").setCertificateName("default"))
            .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                    .setCaCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                        .setInstanceName("default").setCertificateName("ROOTCA"))
                    .addMatchSubjectAltNames(StringMatcher.newBuilder().setExact("spiffe://mesh.local/orders")))))
        .build();
    return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(tls)).build();
  }

  /** A transport socket no client can honour (ALTS): the mesh must refuse it, never fall back to plaintext. */
  static TransportSocket unsupported() {
    return TransportSocket.newBuilder().setName("envoy.transport_sockets.alts")
        .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.transport_sockets.alts.v3.Alts.getDefaultInstance()))
        .build();
  }

  private static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();
  }

  private static Cluster cluster(String name, TransportSocket transport) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()).setServiceName(name))
        .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
        .setOutlierDetection(OutlierDetection.newBuilder().setConsecutive5Xx(UInt32Value.of(5)))
        .setTransportSocket(transport)
        .build();
  }

  private static ClusterLoadAssignment endpoints(String cluster, List<OrdersBackend> backends) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
    for (OrdersBackend b : backends) {
      locality.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(
          Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
              .setAddress("127.0.0.1").setPortValue(b.port())))));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(locality).build();
  }

  private static Listener listener() {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setConfigSource(ads()).setRouteConfigName(ROUTES))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    return Listener.newBuilder()
        .setName(LISTENER)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
        .build();
  }

  private static RouteConfiguration routes(int v1Weight, int v2Weight) {
    RouteAction.Builder action = RouteAction.newBuilder()
        .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(2))
        // Istio's default retries
        .setRetryPolicy(RetryPolicy.newBuilder()
            .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
            .setNumRetries(UInt32Value.of(2))
            .addRetriableStatusCodes(503));
    List<WeightedCluster.ClusterWeight> split = new ArrayList<>();
    if (v1Weight > 0) {
      split.add(WeightedCluster.ClusterWeight.newBuilder().setName(V1).setWeight(UInt32Value.of(v1Weight)).build());
    }
    if (v2Weight > 0) {
      split.add(WeightedCluster.ClusterWeight.newBuilder().setName(V2).setWeight(UInt32Value.of(v2Weight)).build());
    }
    if (split.size() == 1) {
      action.setCluster(split.get(0).getName());
    } else {
      action.setWeightedClusters(WeightedCluster.newBuilder().addAllClusters(split));
    }
    return RouteConfiguration.newBuilder()
        .setName(ROUTES)
        .addVirtualHosts(VirtualHost.newBuilder()
            .setName("orders.default.svc.cluster.local:8080")
            .addDomains("orders.default.svc.cluster.local")
            .addDomains("orders.default.svc.cluster.local:8080")
            .addDomains("orders")
            .addDomains("orders:8080")
            .addRoutes(Route.newBuilder().setName("default")
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(action)))
        .build();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
