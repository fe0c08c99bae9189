package io.mesh4j.xds.internal.mapping;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/** Resources shaped as istiod serves them to proxyless clients (grpcgen), built with the envoy builders. */
final class IstioFixtures {

  static final String CLUSTER = "outbound|8080||orders.default.svc.cluster.local";
  static final String LISTENER = "orders.default.svc.cluster.local:8080";
  static final String ORDERS_ID = "spiffe://cluster.local/ns/default/sa/orders";

  private IstioFixtures() {}

  static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();
  }

  /**
   * Istio's mTLS shape (grpcgen's buildCommonTLSContext): certificate provider instance "default" for
   * the SVID and "ROOTCA" for the trust bundle, in the current fields and the deprecated ones older
   * gRPC clients read, and the target's SPIFFE IDs as exact SAN matchers.
   */
  static UpstreamTlsContext istioTls(String... sans) {
    CertificateValidationContext.Builder v = CertificateValidationContext.newBuilder()
        .setCaCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
            .setInstanceName("default").setCertificateName("ROOTCA"));
    for (String san : sans) {
      v.addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(san));
    }
    return UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                .setInstanceName("default").setCertificateName("default"))
            .setTlsCertificateCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance.newBuilder()
                .setInstanceName("default").setCertificateName("default"))
            .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                .setDefaultValidationContext(v)
                .setValidationContextCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance.newBuilder()
                    .setInstanceName("default").setCertificateName("ROOTCA"))))
        .build();
  }

  /** The shape of older Istio releases: only the deprecated provider fields. */
  static UpstreamTlsContext olderIstioTls(String san) {
    return UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsCertificateCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance.newBuilder()
                .setInstanceName("default").setCertificateName("default"))
            .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                    .addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(san)))
                .setValidationContextCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance.newBuilder()
                    .setInstanceName("default").setCertificateName("ROOTCA"))))
        .build();
  }

  static TransportSocket tlsSocket(UpstreamTlsContext tls) {
    return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(tls)).build();
  }

  /** Istio's proxyless EDS cluster (grpcgen's edsCluster): no lb_policy (ROUND_ROBIN), no connect timeout. */
  static Cluster.Builder cluster() {
    return Cluster.newBuilder()
        .setName(CLUSTER)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()).setServiceName(CLUSTER));
  }

  static Cluster istioCluster() {
    return cluster().setTransportSocket(tlsSocket(istioTls(ORDERS_ID))).build();
  }

  static HttpFilter router() {
    return HttpFilter.newBuilder().setName("router").setTypedConfig(Any.pack(Router.getDefaultInstance())).build();
  }

  static Listener listener(HttpConnectionManager hcm) {
    return Listener.newBuilder()
        .setName(LISTENER)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
        .build();
  }

  /** Istio's outbound API listener: RDS over ADS, an empty fault filter, then the router. */
  static Listener istioListener() {
    return listener(HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setConfigSource(ads()).setRouteConfigName(CLUSTER)) // istiod names routes so
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.fault")
            .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault.getDefaultInstance())))
        .addHttpFilters(router())
        .build());
  }

  static Route.Builder route(String prefix, String cluster) {
    return Route.newBuilder()
        .setMatch(RouteMatch.newBuilder().setPrefix(prefix))
        .setRoute(RouteAction.newBuilder().setCluster(cluster));
  }

  /**
   * Istio's route configuration for orders:8080 (named like the cluster), with the domains and the
   * default route of its sidecar virtual hosts: timeout 0, Istio's default retries.
   */
  static RouteConfiguration istioRoutes() {
    return RouteConfiguration.newBuilder()
        .setName(CLUSTER)
        .addVirtualHosts(VirtualHost.newBuilder()
            .setName("orders.default.svc.cluster.local:8080")
            .addDomains("orders.default.svc.cluster.local")
            .addDomains("orders.default.svc.cluster.local:8080")
            .addDomains("orders")
            .addDomains("orders:8080")
            .addDomains("orders.default.svc")
            .addDomains("orders.default.svc:8080")
            .addDomains("orders.default")
            .addDomains("orders.default:8080")
            .addDomains("10.96.0.12")
            .addDomains("10.96.0.12:8080")
            .setIncludeRequestAttemptCount(true)
            .addRoutes(Route.newBuilder().setName("default")
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster(CLUSTER)
                    .setTimeout(com.google.protobuf.Duration.getDefaultInstance())
                    .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
                        .setMaxStreamDuration(com.google.protobuf.Duration.getDefaultInstance())
                        .setGrpcTimeoutHeaderMax(com.google.protobuf.Duration.getDefaultInstance()))
                    .setRetryPolicy(io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
                        .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
                        .setNumRetries(UInt32Value.of(2))
                        .addRetriableStatusCodes(503)
                        .setHostSelectionRetryMaxAttempts(5)
                        .addRetryHostPredicate(io.envoyproxy.envoy.config.route.v3.RetryPolicy.RetryHostPredicate
                            .newBuilder().setName("envoy.retry_host_predicates.previous_hosts"))))))
        .build();
  }
}
