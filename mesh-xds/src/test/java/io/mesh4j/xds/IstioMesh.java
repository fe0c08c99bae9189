package io.mesh4j.xds;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * xDS resources shaped as istiod serves a proxyless client the service {@code orders:8080}: the API
 * listener {@code orders.default.svc.cluster.local:8080} (RDS {@code 8080} over ADS, Istio's empty
 * fault filter, the router), the route configuration's sidecar virtual host with Istio's domains,
 * EDS clusters {@code outbound|8080|<subset>|orders.default.svc.cluster.local} and their
 * ClusterLoadAssignments pointing at real backends. A mutable builder of snapshots: change a part,
 * {@link #snapshot()} again (a new version each time).
 */
/** Istio-shaped xDS resources for the tests (public: the provider's internal tests use them too). */
public final class IstioMesh {

  static final String HOST = "orders.default.svc.cluster.local";
  static final String LISTENER = HOST + ":8080";
  static final String ROUTES = "8080";

  private final Map<String, Cluster> clusters = new LinkedHashMap<>();
  private final Map<String, ClusterLoadAssignment> endpoints = new LinkedHashMap<>();
  private final List<Route> routes = new ArrayList<>();
  private int version;
  private boolean withListener = true;
  private boolean inlineRoutes;

  public static String cluster(String subset) {
    return "outbound|8080|" + subset + "|" + HOST;
  }

  static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();
  }

  static Listener listener() {
    return listener(HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setConfigSource(ads()).setRouteConfigName(ROUTES)));
  }

  static Listener listener(HttpConnectionManager.Builder routes) {
    HttpConnectionManager hcm = routes
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.fault")
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    return Listener.newBuilder().setName(LISTENER)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm))).build();
  }

  /** An EDS cluster over ADS (Istio's proxyless cluster; no transport socket: plaintext). */
  public static Cluster.Builder edsCluster(String name) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()).setServiceName(name));
  }

  static RouteMatch.Builder prefix(String prefix) {
    return RouteMatch.newBuilder().setPrefix(prefix);
  }

  static Route.Builder route(RouteMatch.Builder match, String cluster) {
    return Route.newBuilder().setMatch(match).setRoute(RouteAction.newBuilder().setCluster(cluster)
        .setTimeout(com.google.protobuf.Duration.getDefaultInstance())); // Istio: no route timeout
  }

  static Route.Builder weighted(RouteMatch.Builder match, Map<String, Integer> weights) {
    WeightedCluster.Builder w = WeightedCluster.newBuilder();
    weights.forEach((cluster, weight) ->
        w.addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(cluster).setWeight(UInt32Value.of(weight))));
    return Route.newBuilder().setMatch(match).setRoute(RouteAction.newBuilder().setWeightedClusters(w)
        .setTimeout(com.google.protobuf.Duration.getDefaultInstance()));
  }

  static ClusterLoadAssignment assignment(String cluster, List<Integer> ports) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
    for (int port : ports) {
      locality.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(
          Address.newBuilder().setSocketAddress(
              SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(port)))));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(locality).build();
  }

  /** A plaintext cluster {@code outbound|8080|<subset>|...} with these backends. */
  IstioMesh subset(String subset, CountingBackend... backends) {
    return cluster(edsCluster(cluster(subset)).build(), backends);
  }

  IstioMesh cluster(Cluster cluster, CountingBackend... backends) {
    return cluster(cluster, java.util.Arrays.stream(backends).map(CountingBackend::port).toList());
  }

  /** A cluster whose endpoints are 127.0.0.1 on these ports. */
  public IstioMesh cluster(Cluster cluster, List<Integer> ports) {
    clusters.put(cluster.getName(), cluster);
    endpoints.put(cluster.getName(), assignment(cluster.getName(), ports));
    return this;
  }

  /**
   * Istio's mTLS transport socket (grpcgen): the SVID from certificate provider instance "default", trust
   * from "ROOTCA", the target's SPIFFE IDs as exact SAN matchers.
   */
  public static TransportSocket istioMtls(String... spiffeIds) {
    CertificateValidationContext.Builder validation = CertificateValidationContext.newBuilder()
        .setCaCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
            .setInstanceName("default").setCertificateName("ROOTCA"));
    for (String id : spiffeIds) {
      validation.addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(id));
    }
    UpstreamTlsContext tls = UpstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
        .setTlsCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
            .setInstanceName("default").setCertificateName("default"))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
            .setDefaultValidationContext(validation)))
        .build();
    return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(tls)).build();
  }

  IstioMesh withoutCluster(String name) {
    clusters.remove(name);
    endpoints.remove(name);
    return this;
  }

  /** Snapshots from now on with the routes inline in the listener's HttpConnectionManager, no RDS. */
  IstioMesh inlineRoutes() {
    inlineRoutes = true;
    return this;
  }

  /** Snapshots from now on without the listener (the server deleted it). */
  IstioMesh withoutListener() {
    withListener = false;
    return this;
  }

  IstioMesh routes(Route.Builder... newRoutes) {
    routes.clear();
    for (Route.Builder r : newRoutes) {
      routes.add(r.build());
    }
    return this;
  }

  /** Istio's sidecar virtual host for orders:8080 with the routes given. */
  RouteConfiguration routeConfiguration() {
    return RouteConfiguration.newBuilder().setName(ROUTES)
        .addVirtualHosts(VirtualHost.newBuilder().setName(LISTENER)
            .addAllDomains(List.of(HOST, HOST + ":8080", "orders", "orders:8080", "orders.default.svc",
                "orders.default.svc:8080", "orders.default", "orders.default:8080"))
            .addAllRoutes(routes))
        .build();
  }

  public Snapshot snapshot() {
    return snapshot(routeConfiguration());
  }

  /** A snapshot with this route configuration in place of the built one (e.g. an invalid one). */
  Snapshot snapshot(RouteConfiguration routeConfiguration) {
    version++;
    Listener listener = inlineRoutes
        ? listener(HttpConnectionManager.newBuilder().setRouteConfig(routeConfiguration))
        : listener();
    return Snapshot.create(List.copyOf(clusters.values()), List.copyOf(endpoints.values()),
        withListener ? List.of(listener) : List.of(),
        inlineRoutes ? List.of() : List.of(routeConfiguration), List.of(), "v" + version);
  }
}
