package io.mesh4j.xds.internal.mapping;

import static io.mesh4j.xds.internal.mapping.IstioFixtures.CLUSTER;
import static io.mesh4j.xds.internal.mapping.IstioFixtures.ORDERS_ID;
import static io.mesh4j.xds.internal.mapping.IstioFixtures.cluster;
import static io.mesh4j.xds.internal.mapping.IstioFixtures.istioTls;
import static io.mesh4j.xds.internal.mapping.IstioFixtures.tlsSocket;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SelfConfigSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.load_balancing_policies.client_side_weighted_round_robin.v3.ClientSideWeightedRoundRobin;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.Percent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterMapperTest {

  private static MappedCluster valid(Cluster c) {
    MappedCluster m = ClusterMapper.map(c);
    assertThat(m.errors()).isEmpty();
    MeshKeyParsers.assertAllParse(m.serviceKeys());
    return m;
  }

  private static MappedCluster invalid(Cluster c, String... fragments) {
    MappedCluster m = ClusterMapper.map(c);
    assertThat(m.errors()).as("errors").isNotEmpty();
    assertThat(String.join("\n", m.errors())).contains(fragments);
    return m;
  }

  private static com.google.protobuf.Duration seconds(long s) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(s).build();
  }

  @Test
  void istiosProxylessClusterBecomesStrictMtlsWithItsSpiffeId() {
    MappedCluster m = valid(IstioFixtures.istioCluster());
    assertThat(m.name()).isEqualTo(CLUSTER);
    assertThat(m.edsServiceName()).isEqualTo(CLUSTER);
    assertThat(m.serviceKeys())
        .containsEntry("lb", "weighted-round-robin")
        .containsEntry("tls.mode", "strict")
        .containsEntry("identity", ORDERS_ID)
        .containsEntry("outlier-detection.enabled", "false");
  }

  @Test
  void olderIstioReleasesDeprecatedProviderFieldsAreAcceptedToo() {
    assertThat(valid(cluster().setTransportSocket(tlsSocket(IstioFixtures.olderIstioTls(ORDERS_ID))).build())
        .serviceKeys()).containsEntry("tls.mode", "strict").containsEntry("identity", ORDERS_ID);
  }

  @Test
  void edsServiceNameDefaultsToTheClusterName() {
    Cluster c = cluster().setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(IstioFixtures.ads()))
        .build();
    assertThat(valid(c).edsServiceName()).isEqualTo(CLUSTER);
    Cluster self = cluster().setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
        .setEdsConfig(ConfigSource.newBuilder().setSelf(SelfConfigSource.getDefaultInstance()))
        .setServiceName("eds-orders")).build();
    assertThat(valid(self).edsServiceName()).isEqualTo("eds-orders");
  }

  @Test
  void anEdsSourceOtherThanAdsOrSelfIsRefused() {
    invalid(cluster().setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setEdsConfig(ConfigSource.newBuilder().setApiConfigSource(ApiConfigSource.getDefaultInstance())))
            .build(),
        "eds_cluster_config.eds_config: must be ads or self");
  }

  @Test
  void clusterTypesOtherThanEdsAreRefusedWithTheReason() {
    invalid(cluster().setType(Cluster.DiscoveryType.STRICT_DNS).build(), "type: STRICT_DNS is not supported: only EDS");
    invalid(cluster().setType(Cluster.DiscoveryType.LOGICAL_DNS).build(), "type: LOGICAL_DNS");
    invalid(cluster().setType(Cluster.DiscoveryType.STATIC).build(), "type: STATIC");
    invalid(cluster().setClusterType(Cluster.CustomClusterType.newBuilder().setName("envoy.clusters.aggregate"))
        .build(), "cluster_type: custom cluster type 'envoy.clusters.aggregate'");
  }

  @Test
  void lbPoliciesMapToTheMeshsPolicies() {
    assertThat(valid(cluster().setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
        .setLeastRequestLbConfig(Cluster.LeastRequestLbConfig.newBuilder().setChoiceCount(UInt32Value.of(5)))
        .build()).serviceKeys()).containsEntry("lb", "least-request");
    assertThat(valid(cluster().setLbPolicy(Cluster.LbPolicy.RANDOM).build()).serviceKeys())
        .containsEntry("lb", "random");
    assertThat(valid(cluster().setLbPolicy(Cluster.LbPolicy.RING_HASH)
        .setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(4096)))
        .build()).serviceKeys()).containsEntry("lb", "ring-hash").containsEntry("lb.ring-hash.min-ring-size", "4096");
    assertThat(valid(cluster().setLbPolicy(Cluster.LbPolicy.MAGLEV)
        .setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(1009)))
        .build()).serviceKeys()).containsEntry("lb", "maglev").containsEntry("lb.maglev.table-size", "1009");
  }

  @Test
  void slowStartMapsFromEitherForm() {
    Cluster.SlowStartConfig ss = Cluster.SlowStartConfig.newBuilder().setSlowStartWindow(seconds(30))
        .setAggression(io.envoyproxy.envoy.config.core.v3.RuntimeDouble.newBuilder().setDefaultValue(2.5).setRuntimeKey("k"))
        .setMinWeightPercent(Percent.newBuilder().setValue(0.5)).build();
    assertThat(valid(cluster().setRoundRobinLbConfig(Cluster.RoundRobinLbConfig.newBuilder().setSlowStartConfig(ss))
        .build()).serviceKeys())
        .containsEntry("lb.slow-start.window", "30s")
        .containsEntry("lb.slow-start.aggression", "2.5")
        .containsEntry("lb.slow-start.min-weight-percent", "1");
    Cluster typed = cluster().setLoadBalancingPolicy(LoadBalancingPolicy.newBuilder().addPolicies(policy(
        LeastRequest.newBuilder().setSlowStartConfig(
            io.envoyproxy.envoy.extensions.load_balancing_policies.common.v3.SlowStartConfig.newBuilder()
                .setSlowStartWindow(seconds(60))).build()))).build();
    assertThat(valid(typed).serviceKeys()).containsEntry("lb", "least-request").containsEntry("lb.slow-start.window", "1m");
    invalid(cluster().setRoundRobinLbConfig(Cluster.RoundRobinLbConfig.newBuilder().setSlowStartConfig(ss.toBuilder()
            .setAggression(io.envoyproxy.envoy.config.core.v3.RuntimeDouble.newBuilder().setDefaultValue(0)))).build(),
        "round_robin_lb_config.slow_start_config.aggression.default_value: 0.0 is outside");
  }

  @Test
  void subsetLoadBalancingIsRefused() {
    invalid(cluster().setLbSubsetConfig(Cluster.LbSubsetConfig.newBuilder().addSubsetSelectors(
            Cluster.LbSubsetConfig.LbSubsetSelector.newBuilder().addKeys("version"))).build(),
        "lb_subset_config: subset load balancing is not supported");
  }

  @Test
  void unsupportedLbSettingsAreRefused() {
    invalid(cluster().setLbPolicy(Cluster.LbPolicy.RING_HASH)
            .setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder()
                .setHashFunction(Cluster.RingHashLbConfig.HashFunction.MURMUR_HASH_2)).build(),
        "ring_hash_lb_config.hash_function: MURMUR_HASH_2 is not supported");
    invalid(cluster().setLbPolicy(Cluster.LbPolicy.RING_HASH)
            .setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(1L << 24)))
            .build(),
        "ring_hash_lb_config.minimum_ring_size: 16777216 is above the limit");
    invalid(cluster().setLbPolicy(Cluster.LbPolicy.MAGLEV)
            .setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(1000))).build(),
        "maglev_lb_config.table_size: 1000 must be a prime number");
    invalid(cluster().setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).build(), "lb_policy: CLUSTER_PROVIDED");
  }

  private static LoadBalancingPolicy.Policy policy(com.google.protobuf.Message config) {
    return LoadBalancingPolicy.Policy.newBuilder()
        .setTypedExtensionConfig(TypedExtensionConfig.newBuilder().setName("p").setTypedConfig(Any.pack(config)))
        .build();
  }

  @Test
  void theFirstSupportedTypedPolicyWinsAndReplacesLbPolicy() {
    Cluster c = cluster().setLbPolicy(Cluster.LbPolicy.MAGLEV)
        .setLoadBalancingPolicy(LoadBalancingPolicy.newBuilder()
            .addPolicies(policy(ClientSideWeightedRoundRobin.getDefaultInstance()))
            .addPolicies(policy(RingHash.newBuilder().setMinimumRingSize(UInt64Value.of(2048)).build()))
            .addPolicies(policy(RoundRobin.getDefaultInstance())))
        .build();
    assertThat(valid(c).serviceKeys())
        .containsEntry("lb", "ring-hash").containsEntry("lb.ring-hash.min-ring-size", "2048");
  }

  @Test
  void wrrLocalityRunsItsEndpointPickingPolicy() {
    Cluster c = cluster().setLoadBalancingPolicy(LoadBalancingPolicy.newBuilder()
            .addPolicies(policy(WrrLocality.newBuilder().setEndpointPickingPolicy(LoadBalancingPolicy.newBuilder()
                .addPolicies(policy(LeastRequest.getDefaultInstance()))).build())))
        .build();
    assertThat(valid(c).serviceKeys()).containsEntry("lb", "least-request");
    Cluster maglev = cluster().setLoadBalancingPolicy(LoadBalancingPolicy.newBuilder()
        .addPolicies(policy(Maglev.newBuilder().setTableSize(UInt64Value.of(65537)).build()))).build();
    assertThat(valid(maglev).serviceKeys()).containsEntry("lb.maglev.table-size", "65537");
  }

  @Test
  void aTypedPolicyListWithNothingSupportedIsRefused() {
    invalid(cluster().setLoadBalancingPolicy(LoadBalancingPolicy.newBuilder()
            .addPolicies(policy(ClientSideWeightedRoundRobin.getDefaultInstance()))).build(),
        "load_balancing_policy.policies: none is supported",
        "client_side_weighted_round_robin");
  }

  @Test
  void defaultPriorityThresholdsBecomeBulkheadAndRetryBudget() {
    Cluster c = cluster().setCircuitBreakers(CircuitBreakers.newBuilder()
            .addThresholds(CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.HIGH)
                .setMaxRequests(UInt32Value.of(7)))
            .addThresholds(CircuitBreakers.Thresholds.newBuilder()
                .setMaxRequests(UInt32Value.of(100))
                .setMaxPendingRequests(UInt32Value.of(3))
                .setMaxRetries(UInt32Value.of(3))
                .setMaxConnections(UInt32Value.of(2))
                .setRetryBudget(CircuitBreakers.Thresholds.RetryBudget.newBuilder()
                    .setBudgetPercent(Percent.newBuilder().setValue(25)))))
        .build();
    Map<String, String> keys = valid(c).serviceKeys();
    assertThat(keys).containsEntry("bulkhead.max-concurrent-requests", "100").containsEntry("retry.budget.ratio", "0.25");
  }

  @Test
  void istiosUnlimitedMaxRequestsIsCappedToTheBulkheadsLimit() {
    Cluster c = cluster().setCircuitBreakers(CircuitBreakers.newBuilder()
        .addThresholds(CircuitBreakers.Thresholds.newBuilder().setMaxRequests(UInt32Value.of(-1)))).build();
    assertThat(valid(c).serviceKeys()).containsEntry("bulkhead.max-concurrent-requests", "1000000");
    invalid(cluster().setCircuitBreakers(CircuitBreakers.newBuilder()
            .addThresholds(CircuitBreakers.Thresholds.newBuilder().setMaxRequests(UInt32Value.of(0)))).build(),
        "circuit_breakers.thresholds[0].max_requests: 0 would refuse every request");
  }

  @Test
  void outlierDetectionWithEnvoysDefaultsIsExplicit() {
    Map<String, String> keys = valid(cluster().setOutlierDetection(OutlierDetection.getDefaultInstance()).build())
        .serviceKeys();
    assertThat(keys)
        .containsEntry("outlier-detection.enabled", "true")
        .containsEntry("outlier-detection.consecutive-failures", "5")
        .containsEntry("outlier-detection.base-ejection-time", "30s")
        .containsEntry("outlier-detection.max-ejection-time", "5m")
        .containsEntry("outlier-detection.max-ejection-percent", "10");
  }

  @Test
  void outlierDetectionFieldsMap() {
    Map<String, String> keys = valid(cluster().setOutlierDetection(OutlierDetection.newBuilder()
            .setConsecutive5Xx(UInt32Value.of(3))
            .setBaseEjectionTime(com.google.protobuf.Duration.newBuilder().setNanos(500_000_000))
            .setMaxEjectionTime(seconds(60))
            .setMaxEjectionPercent(UInt32Value.of(100)))
        .build()).serviceKeys();
    assertThat(keys)
        .containsEntry("outlier-detection.consecutive-failures", "3")
        .containsEntry("outlier-detection.base-ejection-time", "500ms")
        .containsEntry("outlier-detection.max-ejection-time", "1m")
        .containsEntry("outlier-detection.max-ejection-percent", "100");
  }

  @Test
  void enforcingConsecutive5xxZeroTurnsTheDetectorOff() {
    assertThat(valid(cluster().setOutlierDetection(OutlierDetection.newBuilder()
            .setEnforcingConsecutive5Xx(UInt32Value.of(0))).build()).serviceKeys())
        .containsEntry("outlier-detection.enabled", "false")
        .doesNotContainKey("outlier-detection.consecutive-failures");
  }

  @Test
  void badOutlierDetectionValuesAreRefused() {
    invalid(cluster().setOutlierDetection(OutlierDetection.newBuilder()
            .setBaseEjectionTime(seconds(60)).setMaxEjectionTime(seconds(10))).build(),
        "outlier_detection.max_ejection_time: 10s is shorter than base_ejection_time 1m");
    invalid(cluster().setOutlierDetection(OutlierDetection.newBuilder().setMaxEjectionTime(seconds(10))).build(),
        "outlier_detection.max_ejection_time: 10s is shorter than base_ejection_time 30s");
    invalid(cluster().setOutlierDetection(OutlierDetection.newBuilder()
            .setMaxEjectionPercent(UInt32Value.of(101))).build(),
        "outlier_detection.max_ejection_percent: 101 is outside 0..100");
    invalid(cluster().setOutlierDetection(OutlierDetection.newBuilder()
            .setBaseEjectionTime(seconds(0))).build(),
        "outlier_detection.base_ejection_time: must be greater than 0");
  }

  @Test
  void commonLbConfigMapsPanicThresholdAndZoneAwareness() {
    Map<String, String> keys = valid(cluster().setCommonLbConfig(Cluster.CommonLbConfig.newBuilder()
            .setHealthyPanicThreshold(Percent.newBuilder().setValue(33.3))
            .setZoneAwareLbConfig(Cluster.CommonLbConfig.ZoneAwareLbConfig.newBuilder()
                .setMinClusterSize(UInt64Value.of(3))))
        .build()).serviceKeys();
    assertThat(keys)
        .containsEntry("outlier-detection.panic-threshold", "34")
        .containsEntry("lb.zone-aware", "true")
        .containsEntry("lb.zone-aware.min-cluster-size", "3");
    assertThat(valid(cluster().setCommonLbConfig(Cluster.CommonLbConfig.newBuilder()
            .setLocalityWeightedLbConfig(Cluster.CommonLbConfig.LocalityWeightedLbConfig.getDefaultInstance()))
        .build()).serviceKeys()).containsEntry("lb.zone-aware", "false");
    assertThat(valid(cluster().setCommonLbConfig(Cluster.CommonLbConfig.newBuilder()
            .setZoneAwareLbConfig(Cluster.CommonLbConfig.ZoneAwareLbConfig.newBuilder()
                .setRoutingEnabled(Percent.newBuilder().setValue(0))))
        .build()).serviceKeys()).containsEntry("lb.zone-aware", "false");
  }

  @Test
  void anHttpHealthCheckBecomesTheMeshsProbes() {
    io.envoyproxy.envoy.config.core.v3.HealthCheck.Builder hc = io.envoyproxy.envoy.config.core.v3.HealthCheck.newBuilder()
        .setInterval(seconds(5)).setTimeout(com.google.protobuf.Duration.newBuilder().setNanos(250_000_000))
        .setHealthyThreshold(UInt32Value.of(2)).setUnhealthyThreshold(UInt32Value.of(3))
        .setHttpHealthCheck(io.envoyproxy.envoy.config.core.v3.HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz"));
    assertThat(valid(cluster().addHealthChecks(hc).build()).serviceKeys())
        .containsEntry("health-check.path", "/healthz")
        .containsEntry("health-check.interval", "5s")
        .containsEntry("health-check.timeout", "250ms")
        .containsEntry("health-check.healthy-threshold", "2")
        .containsEntry("health-check.unhealthy-threshold", "3");
    invalid(cluster().addHealthChecks(hc.setTimeout(seconds(10))).build(), "health_checks[0].timeout");
    assertThat(valid(cluster().addHealthChecks(io.envoyproxy.envoy.config.core.v3.HealthCheck.newBuilder()
        .setInterval(seconds(5)).setTimeout(seconds(1))
        .setTcpHealthCheck(io.envoyproxy.envoy.config.core.v3.HealthCheck.TcpHealthCheck.getDefaultInstance()))
        .build()).serviceKeys()).doesNotContainKey("health-check.path");
  }

  // --- TLS -------------------------------------------------------------------------------------

  @Test
  void aClusterWithoutTransportSocketIsPlaintextExplicitly() {
    assertThat(valid(cluster().build()).serviceKeys()).containsEntry("tls.mode", "disabled").doesNotContainKey("identity");
    Cluster raw = cluster().setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.raw_buffer")
        .setTypedConfig(Any.pack(RawBuffer.getDefaultInstance()))).build();
    assertThat(valid(raw).serviceKeys()).containsEntry("tls.mode", "disabled");
  }

  @Test
  void severalSansBecomeSeveralIdentitiesTypedUriSansToo() {
    UpstreamTlsContext tls = istioTls(ORDERS_ID, "spiffe://cluster.local/ns/default/sa/orders-canary");
    UpstreamTlsContext typed = tls.toBuilder().setCommonTlsContext(tls.getCommonTlsContext().toBuilder()
        .setValidationContext(CertificateValidationContext.newBuilder()
            .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                .setSanType(SubjectAltNameMatcher.SanType.URI)
                .setMatcher(StringMatcher.newBuilder().setExact("spiffe://example.org/orders"))))).build();
    assertThat(valid(cluster().setTransportSocket(tlsSocket(tls)).build()).serviceKeys())
        .containsEntry("identity", ORDERS_ID + ",spiffe://cluster.local/ns/default/sa/orders-canary");
    assertThat(valid(cluster().setTransportSocket(tlsSocket(typed)).build()).serviceKeys())
        .containsEntry("tls.mode", "strict").containsEntry("identity", "spiffe://example.org/orders");
  }

  @Test
  void tlsWithoutSanMatchersLeavesTheMeshsDefaultIdentity() {
    MappedCluster m = valid(cluster().setTransportSocket(tlsSocket(istioTls())).build());
    assertThat(m.serviceKeys()).containsEntry("tls.mode", "strict").doesNotContainKey("identity");
  }

  private static Cluster withValidation(CertificateValidationContext v) {
    return cluster().setTransportSocket(tlsSocket(UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder().setValidationContext(v)).build())).build();
  }

  @Test
  void sanMatchersTheMeshCannotEnforceAreRefusedNeverDropped() {
    MappedCluster prefix = invalid(withValidation(CertificateValidationContext.newBuilder()
            .addMatchSubjectAltNames(StringMatcher.newBuilder().setPrefix("spiffe://cluster.local/")).build()),
        "validation_context.match_subject_alt_names[0]: prefix matchers are not supported");
    assertThat(prefix.serviceKeys()).doesNotContainKey("tls.mode");
    invalid(withValidation(CertificateValidationContext.newBuilder()
            .addMatchSubjectAltNames(StringMatcher.newBuilder().setSafeRegex(
                io.envoyproxy.envoy.type.matcher.v3.RegexMatcher.newBuilder().setRegex("spiffe://.*"))).build()),
        "safe_regex matchers are not supported");
    invalid(withValidation(CertificateValidationContext.newBuilder()
            .addMatchSubjectAltNames(StringMatcher.newBuilder().setExact("orders.default.svc")).build()),
        "match_subject_alt_names[0].exact: 'orders.default.svc' is not a SPIFFE ID");
    invalid(withValidation(CertificateValidationContext.newBuilder()
            .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder().setSanType(SubjectAltNameMatcher.SanType.DNS)
                .setMatcher(StringMatcher.newBuilder().setExact("orders"))).build()),
        "match_typed_subject_alt_names[0].san_type: DNS is not supported");
    invalid(withValidation(CertificateValidationContext.newBuilder()
            .addMatchSubjectAltNames(StringMatcher.newBuilder().setExact("spiffe://cluster.local/ns/../sa/x")).build()),
        "'spiffe://cluster.local/ns/../sa/x' is not a SPIFFE ID");
    invalid(withValidation(CertificateValidationContext.newBuilder()
            .addMatchSubjectAltNames(StringMatcher.newBuilder().setExact("spiffe://Cluster.local/ns/a")).build()),
        "is not a SPIFFE ID");
    invalid(withValidation(CertificateValidationContext.newBuilder()
            .addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(ORDERS_ID).setIgnoreCase(true)).build()),
        "ignore_case: not supported");
  }

  @Test
  void certificatesAndTrustNotFromTheMeshsSourceAreRefused() {
    invalid(cluster().setTransportSocket(tlsSocket(UpstreamTlsContext.newBuilder()
            .setCommonTlsContext(CommonTlsContext.newBuilder()
                .addTlsCertificates(TlsCertificate.newBuilder()
                    .setCertificateChain(DataSource.newBuilder().setInlineString("PEM")))).build())).build(),
        "common_tls_context.tls_certificates: inline certificates are not supported: use the mesh's certificate source");
    invalid(cluster().setTransportSocket(tlsSocket(UpstreamTlsContext.newBuilder()
            .setCommonTlsContext(CommonTlsContext.newBuilder()
                .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName("default"))
                .setValidationContextSdsSecretConfig(SdsSecretConfig.newBuilder().setName("ROOTCA"))).build())).build(),
        "tls_certificate_sds_secret_configs: SDS is not supported", "validation_context_sds_secret_config: SDS");
    invalid(withValidation(CertificateValidationContext.newBuilder()
            .setTrustedCa(DataSource.newBuilder().setFilename("/etc/ca.pem"))
            .setTrustChainVerification(CertificateValidationContext.TrustChainVerification.ACCEPT_UNTRUSTED)
            .addVerifyCertificateHash("ab").build()),
        "trusted_ca: inline trust is not supported", "trust_chain_verification: ACCEPT_UNTRUSTED",
        "verify_certificate_hash: certificate pinning is not supported");
  }

  @Test
  void anUnknownTransportSocketIsRefusedNotPlaintext() {
    MappedCluster m = invalid(cluster().setTransportSocket(TransportSocket.newBuilder().setName("alts")
            .setTypedConfig(Any.pack(ClientSideWeightedRoundRobin.getDefaultInstance()))).build(),
        "transport_socket.typed_config: envoy.extensions.load_balancing_policies.client_side_weighted_round_robin"
            + ".v3.ClientSideWeightedRoundRobin is not supported");
    assertThat(m.serviceKeys()).doesNotContainKey("tls.mode");
    invalid(cluster().setTransportSocket(TransportSocket.newBuilder().setName("tls")).build(),
        "transport_socket: 'tls' has no typed_config");
  }

  @Test
  void perEndpointTransportSocketMatchesAreRefused() {
    Cluster c = cluster().addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder().setName("tlsMode-istio")
        .setTransportSocket(tlsSocket(istioTls(ORDERS_ID)))).build();
    MappedCluster m = invalid(c, "transport_socket_matches: not supported");
    assertThat(m.serviceKeys()).doesNotContainKey("tls.mode");
  }

  @Test
  void transportSocketMatchesAreRefusedEvenBesideAPlaintextDefault() {
    // Envoy would use TLS for endpoints the match selects; the default alone would be plaintext
    Cluster c = cluster().setTransportSocket(TransportSocket.newBuilder().setName("raw")
            .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer
                .getDefaultInstance())))
        .addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder().setName("tlsMode-istio")
            .setTransportSocket(tlsSocket(istioTls(ORDERS_ID)))).build();
    MappedCluster m = invalid(c, "transport_socket_matches: not supported");
    assertThat(m.serviceKeys()).doesNotContainKey("tls.mode");
  }

  @Test
  void typedSanMatchersReplaceTheDeprecatedOnes() {
    MappedCluster m = valid(withValidation(CertificateValidationContext.newBuilder()
        .addMatchSubjectAltNames(StringMatcher.newBuilder().setExact("spiffe://cluster.local/ns/x/sa/other"))
        .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder().setSanType(SubjectAltNameMatcher.SanType.URI)
            .setMatcher(StringMatcher.newBuilder().setExact(ORDERS_ID))).build()));
    assertThat(m.serviceKeys()).containsEntry("identity", ORDERS_ID);
  }

  @Test
  void tlsRequirementsTheMeshDoesNotEnforceAreRefused() {
    invalid(withValidation(CertificateValidationContext.newBuilder()
            .setRequireSignedCertificateTimestamp(com.google.protobuf.BoolValue.of(true)).build()),
        "validation_context.require_signed_certificate_timestamp: certificate transparency is not checked");
    java.util.function.Function<io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters.Builder, Cluster>
        withParams = p -> cluster().setTransportSocket(tlsSocket(UpstreamTlsContext.newBuilder()
            .setCommonTlsContext(CommonTlsContext.newBuilder().setTlsParams(p)).build())).build();
    var params = io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters.newBuilder();
    invalid(withParams.apply(params.clone().setTlsMinimumProtocolVersion(
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters.TlsProtocol.TLSv1_3)),
        "common_tls_context.tls_params.tls_minimum_protocol_version: TLSv1_3 is not supported");
    invalid(withParams.apply(params.clone().addCipherSuites("ECDHE-RSA-AES128-GCM-SHA256").addEcdhCurves("P-256")),
        "tls_params.cipher_suites: not supported", "tls_params.ecdh_curves: not supported");
    assertThat(valid(withParams.apply(params.clone().setTlsMinimumProtocolVersion(
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters.TlsProtocol.TLSv1_2)))
        .serviceKeys()).as("a minimum the mesh meets anyway").containsEntry("tls.mode", "strict");
  }

  @Test
  void anEdsClusterMustNameItsEdsConfig() {
    invalid(cluster().setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setServiceName("x")).build(),
        "eds_cluster_config.eds_config: is missing");
  }

  @Test
  void everyClusterTurnsTheFailureRateBreakerOffAndZoneAwarenessUnlessAsked() {
    assertThat(valid(cluster().build()).serviceKeys())
        .containsEntry("circuit-breaker.enabled", "false")
        .containsEntry("lb.zone-aware", "false");
  }

  @Test
  void anUnsetMaxEjectionTimeIsAtLeastTheBase() {
    assertThat(valid(cluster().setOutlierDetection(OutlierDetection.newBuilder().setBaseEjectionTime(seconds(600)))
            .build()).serviceKeys())
        .containsEntry("outlier-detection.base-ejection-time", "10m")
        .containsEntry("outlier-detection.max-ejection-time", "10m");
  }

  @Test
  void everyErrorOfAClusterIsReportedAtOnce() {
    MappedCluster m = ClusterMapper.map(cluster().setName("")
        .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setOutlierDetection(OutlierDetection.newBuilder().setMaxEjectionPercent(UInt32Value.of(200)))
        .setTransportSocket(TransportSocket.newBuilder().setName("x")).build());
    assertThat(m.errors()).hasSize(4);
  }
}
