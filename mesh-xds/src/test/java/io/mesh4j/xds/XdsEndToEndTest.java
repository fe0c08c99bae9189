package io.mesh4j.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.mesh4j.MeshClient;
import io.mesh4j.MeshTimeoutException;
import io.mesh4j.NoHealthyEndpointException;
import io.mesh4j.NoRouteException;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.event.MeshEvent;
import io.mesh4j.testing.LeakCheck;
import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.xds.internal.client.XdsResourceType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A MeshClient configured only with {@code discovery=xds} and a listener, against java-control-plane's
 * real ADS server and real HTTP backends; everything is counted at the backends.
 */
class XdsEndToEndTest {

  static final Duration WAIT = Duration.ofSeconds(10);

  private ControlPlane controlPlane = new ControlPlane();
  private final IstioMesh istio = new IstioMesh();
  private final List<CountingBackend> backends = new ArrayList<>();
  private final LeakCheck leaks = LeakCheck.snapshot();
  private final java.util.Set<Thread> grpcThreadsBefore = Thread.getAllStackTraces().keySet().stream()
      .filter(t -> t.getName().startsWith("grpc-")).collect(java.util.stream.Collectors.toSet());
  private MeshClient mesh;
  private OkHttpClient http;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    backends.forEach(CountingBackend::close);
    controlPlane.close();
  }

  CountingBackend backend(String name) {
    CountingBackend b = new CountingBackend(name);
    backends.add(b);
    return b;
  }

  void startMesh(String... extra) throws IOException {
    MeshClient.Builder b = MeshClient.builder().service("frontend").environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.xds.server", controlPlane.address())
        .property("mesh.xds.node-id", "sidecar~10.0.0.5~frontend-1.default~default.svc.cluster.local")
        .property("mesh.services.orders.discovery", "xds")
        .property("mesh.services.orders.xds.listener", IstioMesh.LISTENER);
    for (int i = 0; i < extra.length; i += 2) {
      b.property(extra[i], extra[i + 1]);
    }
    mesh = b.build();
    http = mesh.wrap(new OkHttpClient());
  }

  /** The status of a GET to http://orders{path}. */
  int status(String path) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url("http://orders" + path).build()).execute()) {
      return r.code();
    }
  }

  /** The body (the backend's name) of a GET to http://orders{path}; fails on a non-2xx answer. */
  String get(String path, String... headers) throws IOException {
    Request.Builder request = new Request.Builder().url("http://orders" + path);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try (Response r = http.newCall(request.build()).execute()) {
      String body = r.body().string();
      if (!r.isSuccessful()) {
        throw new IOException("HTTP " + r.code() + " from " + body);
      }
      return body;
    }
  }

  @Test
  void aRequestToAServiceConfiguredOnlyByXdsReachesTheBackendsTheControlPlaneChose() throws IOException {
    CountingBackend a = backend("a");
    CountingBackend b = backend("b");
    CountingBackend other = backend("other");
    controlPlane.publish(istio.subset("v1", a, b).subset("v2", other)
        .routes(IstioMesh.route(IstioMesh.prefix("/"), IstioMesh.cluster("v1"))).snapshot());
    startMesh();

    for (int i = 0; i < 20; i++) {
      assertThat(get("/api/items")).isIn("a", "b");
    }

    assertThat(a.requests() + b.requests()).isEqualTo(20);
    assertThat(a.requests()).isPositive();
    assertThat(b.requests()).isPositive();
    assertThat(other.requests()).isZero();
  }

  static String v(String subset) {
    return IstioMesh.cluster(subset);
  }

  @Test
  void weightedClustersSplitTrafficAsConfigured() throws IOException {
    CountingBackend v1 = backend("v1");
    CountingBackend v2 = backend("v2");
    controlPlane.publish(istio.subset("v1", v1).subset("v2", v2)
        .routes(IstioMesh.weighted(IstioMesh.prefix("/"), Map.of(v("v1"), 80, v("v2"), 20))).snapshot());
    startMesh();

    int n = 1000;
    for (int i = 0; i < n; i++) {
      get("/");
    }

    // binomial(1000, 0.8): standard deviation 12.6; ±100 is about 8 of them
    assertThat(v1.requests() + v2.requests()).isEqualTo(n);
    assertThat(v1.requests()).isBetween(700, 900);
    assertThat(v2.requests()).isBetween(100, 300);
  }

  @Test
  void pathPrefixRoutesSendToDifferentClusters() throws IOException {
    CountingBackend api = backend("api");
    CountingBackend admin = backend("admin");
    controlPlane.publish(istio.subset("api", api).subset("admin", admin)
        .routes(IstioMesh.route(IstioMesh.prefix("/admin"), v("admin")),
            IstioMesh.route(IstioMesh.prefix("/"), v("api")))
        .snapshot());
    startMesh();

    assertThat(get("/admin/users")).isEqualTo("admin");
    assertThat(get("/api/items?admin=1")).isEqualTo("api");
    assertThat(get("/")).isEqualTo("api");
    assertThat(admin.requests()).isEqualTo(1);
    assertThat(api.requests()).isEqualTo(2);
  }

  @Test
  void aHeaderMatchRouteSendsMatchingRequestsToItsCluster() throws IOException {
    CountingBackend stable = backend("stable");
    CountingBackend canary = backend("canary");
    controlPlane.publish(istio.subset("stable", stable).subset("canary", canary)
        .routes(IstioMesh.route(IstioMesh.prefix("/").addHeaders(HeaderMatcher.newBuilder().setName("x-canary")
                .setStringMatch(StringMatcher.newBuilder().setExact("yes"))), v("canary")),
            IstioMesh.route(IstioMesh.prefix("/"), v("stable")))
        .snapshot());
    startMesh();

    assertThat(get("/", "x-canary", "yes")).isEqualTo("canary");
    assertThat(get("/", "x-canary", "no")).isEqualTo("stable");
    assertThat(get("/")).isEqualTo("stable");
    assertThat(canary.requests()).isEqualTo(1);
    assertThat(stable.requests()).isEqualTo(2);
  }

  @Test
  void aPerRouteTimeoutFailsASlowRequest() throws IOException {
    CountingBackend slow = backend("slow");
    slow.delay(3000);
    Route.Builder route = IstioMesh.route(IstioMesh.prefix("/"), v("v1"));
    route.getRouteBuilder().setTimeout(com.google.protobuf.Duration.newBuilder().setNanos(300_000_000));
    controlPlane.publish(istio.subset("v1", slow).routes(route).snapshot());
    startMesh();

    assertThatThrownBy(() -> get("/"))
        .isInstanceOf(MeshTimeoutException.class)
        .hasMessageContaining("300ms")
        .hasMessageContaining("route of service 'orders'");
    assertThat(slow.requests()).isEqualTo(1);
  }

  @Test
  void aRouteRetryPolicyRetriesA503AsManyTimesAsConfigured() throws IOException {
    CountingBackend flaky = backend("flaky");
    Route.Builder route = IstioMesh.route(IstioMesh.prefix("/"), v("v1"));
    route.getRouteBuilder().setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("5xx")
        .setNumRetries(UInt32Value.of(2)));
    controlPlane.publish(istio.subset("v1", flaky).routes(route).snapshot());
    startMesh();

    flaky.failNext(1);
    assertThat(get("/")).isEqualTo("flaky");
    assertThat(flaky.requests()).isEqualTo(2); // the 503, then its retry

    flaky.resetCount();
    flaky.failNext(5);
    assertThatThrownBy(() -> get("/")).hasMessageContaining("HTTP 503");
    assertThat(flaky.requests()).isEqualTo(3); // num_retries 2: three attempts in all
  }

  @Test
  void ringHashWithAHeaderHashPolicyKeepsAKeyOnOneBackend() throws IOException {
    List<CountingBackend> three = List.of(backend("a"), backend("b"), backend("c"));
    Cluster ringHash = IstioMesh.edsCluster(v("v1")).setLbPolicy(Cluster.LbPolicy.RING_HASH).build();
    Route.Builder route = IstioMesh.route(IstioMesh.prefix("/"), v("v1"));
    route.getRouteBuilder().addHashPolicy(RouteAction.HashPolicy.newBuilder()
        .setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName("x-user")));
    controlPlane.publish(istio.cluster(ringHash, three.toArray(new CountingBackend[0])).routes(route).snapshot());
    startMesh();

    Map<String, java.util.Set<String>> backendsPerUser = new java.util.HashMap<>();
    for (int user = 0; user < 30; user++) {
      for (int i = 0; i < 5; i++) {
        backendsPerUser.computeIfAbsent("user-" + user, k -> new java.util.HashSet<>())
            .add(get("/", "x-user", "user-" + user));
      }
    }

    assertThat(backendsPerUser.values()).allSatisfy(set -> assertThat(set).hasSize(1));
    // and the users spread: not everything on one backend
    assertThat(three).filteredOn(b -> b.requests() > 0).hasSizeGreaterThan(1);
  }

  @Test
  void outlierDetectionFromTheClusterEjectsAFailingBackend() throws IOException {
    CountingBackend good = backend("good");
    CountingBackend bad = backend("bad");
    bad.status(500);
    Cluster withOutlierDetection = IstioMesh.edsCluster(v("v1"))
        .setOutlierDetection(OutlierDetection.newBuilder().setConsecutive5Xx(UInt32Value.of(3))
            .setMaxEjectionPercent(UInt32Value.of(50)))
        .build();
    controlPlane.publish(istio.cluster(withOutlierDetection, good, bad)
        .routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    startMesh();

    for (int i = 0; i < 40; i++) {
      status("/");
    }
    int badBefore = bad.requests();
    for (int i = 0; i < 40; i++) {
      assertThat(get("/")).isEqualTo("good"); // ejected: no more 500s
    }

    assertThat(badBefore).isBetween(3, 10);
    assertThat(bad.requests()).isEqualTo(badBefore);
  }

  @Test
  void aServiceStraightToAClusterTakesItsEndpoints() throws IOException {
    CountingBackend a = backend("a");
    controlPlane.publish(istio.subset("v1", a).routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    MeshClient.Builder b = MeshClient.builder().service("frontend").environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.xds.server", controlPlane.address())
        .property("mesh.xds.node-id", "frontend-1")
        .property("mesh.services.orders.discovery", "xds")
        .property("mesh.services.orders.xds.cluster", v("v1"));
    mesh = b.build();
    http = mesh.wrap(new OkHttpClient());

    assertThat(get("/x")).isEqualTo("a");
    assertThat(mesh.configStatus().overlays()).hasSize(1);
    assertThat(mesh.configStatus().overlays().values().iterator().next())
        .containsEntry("mesh.services.orders.tls.mode", "disabled")
        .containsEntry("mesh.services.orders.lb", "weighted-round-robin");
  }

  @Test
  void snapshotChangesUnderLoadFailNoRequestAndApplyWithinASecond() throws Exception {
    CountingBackend blue = backend("blue");
    CountingBackend green = backend("green");
    controlPlane.publish(istio.subset("blue", blue).subset("green", green)
        .routes(IstioMesh.route(IstioMesh.prefix("/"), v("blue"))).snapshot());
    startMesh();
    assertThat(get("/")).isEqualTo("blue");

    Load load = new Load(4);
    try {
      // an existing cluster
      controlPlane.publish(istio.routes(IstioMesh.route(IstioMesh.prefix("/"), v("green"))).snapshot());
      await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> get("/").equals("green"));
      // a cluster the client has never seen: a new derived service, added while requests run
      CountingBackend v3 = backend("v3");
      controlPlane.publish(istio.subset("v3", v3)
          .routes(IstioMesh.weighted(IstioMesh.prefix("/"), Map.of(v("green"), 50, v("v3"), 50))).snapshot());
      await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> v3.requests() > 0);
      // new endpoints of a cluster
      CountingBackend green2 = backend("green2");
      controlPlane.publish(istio.subset("green", green, green2).snapshot());
      await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> green2.requests() > 0);
      int before = load.served.get();
      await().atMost(WAIT).until(() -> load.served.get() > before + 100);
    } finally {
      assertThat(load.stop()).as("the load threads ended").isTrue();
    }

    assertThat(load.failures).isEmpty();
    assertThat(load.served.get()).isGreaterThan(100);
  }

  @Test
  void anInvalidResourceIsNackedAndTheLastGoodConfigKeepsServing() throws IOException {
    CountingBackend a = backend("a");
    controlPlane.publish(istio.subset("v1", a).routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    startMesh();
    assertThat(get("/")).isEqualTo("a");

    // a route with a back-reference (not RE2) and a cluster with inline certificates: both refused
    RouteConfiguration badRoutes = istio.routes(
        IstioMesh.route(RouteMatch.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex("/(a)\\1")), v("v1")),
        IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).routeConfiguration();
    Cluster badCluster = IstioMesh.edsCluster(v("v1")).setTransportSocket(TransportSocket.newBuilder()
        .setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(UpstreamTlsContext.newBuilder()
            .setCommonTlsContext(CommonTlsContext.newBuilder().addTlsCertificates(TlsCertificate.getDefaultInstance()))
            .build()))).build();
    controlPlane.publish(istio.cluster(badCluster, a).snapshot(badRoutes));

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(nack(XdsResourceType.ROUTE_CONFIGURATION)).hasValueSatisfying(nack -> {
        assertThat(nack.getVersionInfo()).isEqualTo("v1"); // the last ACKed version
        assertThat(nack.getResponseNonce()).isNotEmpty();
        assertThat(nack.getErrorDetail().getMessage())
            .contains("8080: virtual_hosts[0].routes[0].match.safe_regex.regex");
      });
      assertThat(nack(XdsResourceType.CLUSTER)).hasValueSatisfying(nack ->
          assertThat(nack.getErrorDetail().getMessage()).contains(v("v1") + ": ").contains("tls_certificates"));
    });
    for (int i = 0; i < 10; i++) {
      assertThat(get("/a")).isEqualTo("a");
    }
    assertThat(a.requests()).isEqualTo(11);

    // the admin side: a late subscriber gets the last ACK and the last NACK of each type
    List<MeshEvent> replayed = new CopyOnWriteArrayList<>();
    mesh.events().subscribe(replayed::add).close();
    assertThat(replayed).filteredOn(XdsResourceRejected.class::isInstance).map(XdsResourceRejected.class::cast)
        .anySatisfy(nack -> {
          assertThat(nack.typeUrl()).isEqualTo(XdsResourceType.ROUTE_CONFIGURATION.typeUrl());
          assertThat(nack.version()).isEqualTo("v2");
          assertThat(nack.nonce()).isNotEmpty();
          assertThat(nack.detail()).contains("safe_regex");
        });
    assertThat(replayed).filteredOn(XdsResourceAccepted.class::isInstance).map(XdsResourceAccepted.class::cast)
        .anySatisfy(ack -> {
          assertThat(ack.typeUrl()).isEqualTo(XdsResourceType.LISTENER.typeUrl());
          assertThat(ack.names()).contains(IstioMesh.LISTENER);
        });
    // and the status, CSDS-like, from any xds service's discovery status
    XdsStatus status = mesh.discoveryStatus("orders").orElseThrow().attributes().get(XdsDiscoveryProvider.STATUS).get();
    assertThat(status.stream()).isEqualTo("CONNECTED");
    assertThat(status.types().get("RDS").ackedVersion()).isEqualTo("v1");
    assertThat(status.types().get("RDS").lastNack()).hasValueSatisfying(nack -> {
      assertThat(nack.version()).isEqualTo("v2");
      assertThat(nack.detail()).contains("safe_regex");
    });
    assertThat(status.types().get("RDS").resources()).containsEntry("8080", "NACKED");
    assertThat(status.types().get("LDS").resources()).containsEntry(IstioMesh.LISTENER, "ACKED");
    assertThat(status.types().get("CDS").resources()).containsEntry(v("v1"), "NACKED");
  }

  private java.util.Optional<DiscoveryRequest> nack(XdsResourceType type) {
    return controlPlane.nacks().stream().filter(r -> r.getTypeUrl().equals(type.typeUrl())).findFirst();
  }

  @Test
  void afterTheServerRestartsOnTheSamePortTheClientResubscribesAndAppliesTheNewSnapshot() throws IOException {
    CountingBackend a = backend("a");
    CountingBackend b = backend("b");
    controlPlane.publish(istio.subset("v1", a).subset("v2", b)
        .routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    startMesh();
    assertThat(get("/")).isEqualTo("a");

    controlPlane.stop();
    assertThat(get("/")).isEqualTo("a"); // the last good resources keep serving
    controlPlane.publish(istio.routes(IstioMesh.route(IstioMesh.prefix("/"), v("v2"))).snapshot());
    controlPlane.restart();

    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> get("/").equals("b"));
    assertThat(controlPlane.requests()).anySatisfy(r ->
        assertThat(r.getResourceNamesList()).contains(IstioMesh.LISTENER));
  }

  @Test
  void anUpstreamTlsContextsSanMatcherIsEnforcedAgainstRealMtlsBackends(@TempDir Path dir) throws Exception {
    String ordersId = "spiffe://cluster.local/ns/default/sa/orders";
    String paymentsId = "spiffe://cluster.local/ns/default/sa/payments";
    TestCa ca = TestCa.root("cluster.local");
    Path cert = dir.resolve("cert-chain.pem");
    Path key = dir.resolve("key.pem");
    Path bundle = dir.resolve("root-cert.pem");
    ca.svid("spiffe://cluster.local/ns/default/sa/frontend").writePem(cert, key);
    ca.writeCertificatePem(bundle);
    try (TlsBackend orders = new TlsBackend("orders", ca, ca.svid(ordersId));
        TlsBackend impostor = new TlsBackend("impostor", ca, ca.svid(paymentsId))) {
      controlPlane.publish(istio
          .cluster(IstioMesh.edsCluster(v("v1")).setTransportSocket(IstioMesh.istioMtls(ordersId)).build(),
              List.of(orders.port()))
          .cluster(IstioMesh.edsCluster(v("v2")).setTransportSocket(IstioMesh.istioMtls(ordersId)).build(),
              List.of(impostor.port()))
          .routes(IstioMesh.route(IstioMesh.prefix("/impostor"), v("v2")), IstioMesh.route(IstioMesh.prefix("/"), v("v1")))
          .snapshot());
      startMesh("mesh.trust-domain", "cluster.local", "mesh.tls.source", "files",
          "mesh.tls.files.cert", cert.toString(), "mesh.tls.files.key", key.toString(),
          "mesh.tls.files.bundle", bundle.toString());

      assertThat(get("/")).isEqualTo("orders");
      assertThat(orders.callers()).containsExactly("spiffe://cluster.local/ns/default/sa/frontend");

      assertThatThrownBy(() -> get("/impostor"))
          .hasMessageContaining(ordersId)
          .hasMessageContaining(paymentsId);
      assertThat(impostor.callers()).isEmpty();
    }
  }

  @Test
  void aPlaintextClusterDoesNotDowngradeTheTlsModeTheUserSet() throws IOException {
    CountingBackend a = backend("a");
    controlPlane.publish(istio.subset("v1", a).routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    mesh = MeshClient.builder().service("frontend").environment(Map.of()).systemProperties(new Properties())
        .property("mesh.xds.server", controlPlane.address())
        .property("mesh.xds.node-id", "frontend-1")
        .property("mesh.services.orders.discovery", "xds")
        .property("mesh.services.orders.xds.cluster", v("v1"))
        .property("mesh.services.orders.tls.mode", "strict")
        .build();

    await().atMost(WAIT).until(() -> !mesh.configStatus().overlays().isEmpty()
        && mesh.configStatus().overlays().values().iterator().next().containsKey("mesh.services.orders.lb"));
    assertThat(mesh.configStatus().overlays().values().iterator().next())
        .doesNotContainKey("mesh.services.orders.tls.mode");
  }

  @Test
  void aTlsClusterIsRefusedNotCalledInPlaintextWhenTheUserTurnedTlsOff() throws IOException {
    CountingBackend plain = backend("plain");
    String id = "spiffe://cluster.local/ns/default/sa/orders";
    controlPlane.publish(istio.cluster(IstioMesh.edsCluster(v("v1")).setTransportSocket(IstioMesh.istioMtls(id)).build(),
        plain).routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    mesh = MeshClient.builder().service("frontend").environment(Map.of()).systemProperties(new Properties())
        .property("mesh.xds.server", controlPlane.address())
        .property("mesh.xds.node-id", "frontend-1")
        .property("mesh.tls.mode", "disabled")
        .property("mesh.services.orders.discovery", "xds")
        .property("mesh.services.orders.xds.cluster", v("v1"))
        .build();
    http = mesh.wrap(new OkHttpClient());

    await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> get("/"))
        .isInstanceOf(NoRouteException.class)
        .hasMessageContaining(v("v1"))
        .hasMessageContaining("mesh.tls.mode=disabled"));
    assertThat(plain.requests()).isZero();
  }

  @Test
  void aServiceSwitchedToAnotherClusterKeepsTheNewClustersKeysAndServes() throws IOException {
    CountingBackend a = backend("a");
    CountingBackend b = backend("b");
    Cluster v2 = IstioMesh.edsCluster(v("v2")).setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST).build();
    // orders routes to v2: the client already has v2, so the new watch's keys come before the old watch closes
    controlPlane.publish(istio.subset("v1", a).cluster(v2, b)
        .routes(IstioMesh.route(IstioMesh.prefix("/"), v("v2"))).snapshot());
    Map<String, String> props = new java.util.HashMap<>(Map.of(
        "mesh.service", "frontend",
        "mesh.xds.server", controlPlane.address(), "mesh.xds.node-id", "frontend-1",
        "mesh.services.orders.discovery", "xds", "mesh.services.orders.xds.listener", IstioMesh.LISTENER,
        "mesh.services.payments.discovery", "xds", "mesh.services.payments.xds.cluster", v("v1")));
    MeshClient.Builder builder = MeshClient.builder().environment(Map.of()).systemProperties(new Properties());
    props.forEach(builder::property);
    mesh = builder.build();
    http = mesh.wrap(new OkHttpClient());
    assertThat(get("/x")).isEqualTo("b");
    assertThat(payments()).isEqualTo("a");

    props.put("mesh.services.payments.xds.cluster", v("v2"));
    mesh.apply(mesh.configLoader().source(io.mesh4j.config.PropertySource.fromMap(props, "test")).load());

    await().atMost(WAIT).until(() -> "b".equals(payments()));
    // the old watch's close must not have withdrawn the new one's keys
    await().atMost(WAIT).untilAsserted(() -> assertThat(mesh.configStatus().overlays().values().iterator().next())
        .containsEntry("mesh.services.payments.lb", "least-request"));
    for (int i = 0; i < 5; i++) {
      assertThat(payments()).isEqualTo("b");
    }
  }

  private String payments() throws IOException {
    try (Response r = http.newCall(new Request.Builder().url("http://payments/x").build()).execute()) {
      return r.body().string();
    }
  }

  /** The provider's overlay now (empty when it has none). */
  private Map<String, String> overlay() {
    return mesh.configStatus().overlays().values().stream().findFirst().orElse(Map.of());
  }

  @Test
  void aClusterNoRouteNamesAnyMoreIsWithdrawnAfterTheNewRoutesServe() throws IOException {
    CountingBackend a = backend("a");
    CountingBackend b = backend("b");
    controlPlane.publish(istio.subset("v1", a).subset("v2", b)
        .routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    startMesh();
    assertThat(get("/")).isEqualTo("a");
    assertThat(overlay()).containsValue(v("v1"));

    controlPlane.publish(istio.routes(IstioMesh.route(IstioMesh.prefix("/"), v("v2"))).snapshot());

    await().atMost(WAIT).until(() -> get("/").equals("b"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(overlay()).containsValue(v("v2")).doesNotContainValue(v("v1")));
    assertThat(get("/")).isEqualTo("b");
  }

  @Test
  void theDerivedServicesAreWithdrawnWhenTheListenerIsDeleted() throws IOException {
    useAControlPlaneThatReportsDeletions();
    CountingBackend a = backend("a");
    controlPlane.publish(istio.subset("v1", a).routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    startMesh();
    assertThat(get("/")).isEqualTo("a");

    controlPlane.publish(istio.withoutListener().snapshot());

    await().atMost(WAIT).untilAsserted(() -> assertThat(overlay()).doesNotContainValue(v("v1")));
  }

  @Test
  void theDerivedServicesAreWithdrawnWhenTheUserRemovesTheRoutingService() throws IOException {
    CountingBackend a = backend("a");
    controlPlane.publish(istio.subset("v1", a).routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    Map<String, String> props = new java.util.HashMap<>(Map.of(
        "mesh.service", "frontend",
        "mesh.xds.server", controlPlane.address(), "mesh.xds.node-id", "frontend-1",
        "mesh.services.orders.discovery", "xds", "mesh.services.orders.xds.listener", IstioMesh.LISTENER,
        "mesh.services.payments.discovery", "xds", "mesh.services.payments.xds.cluster", v("v1")));
    MeshClient.Builder builder = MeshClient.builder().environment(Map.of()).systemProperties(new Properties());
    props.forEach(builder::property);
    mesh = builder.build();
    http = mesh.wrap(new OkHttpClient());
    assertThat(get("/")).isEqualTo("a");
    assertThat(overlay()).containsValue(v("v1"));

    props.remove("mesh.services.orders.discovery");
    props.remove("mesh.services.orders.xds.listener");
    mesh.apply(mesh.configLoader().source(io.mesh4j.config.PropertySource.fromMap(props, "test")).load());

    // only payments' own keys are left: no derived service (discovery=xds) remains
    await().atMost(WAIT).untilAsserted(() -> assertThat(overlay().keySet())
        .allMatch(key -> key.startsWith("mesh.services.payments.")));
    assertThat(payments()).isEqualTo("a");
  }

  @Test
  void aNackedTlsClusterKeepsTheIdentityOfItsLastGoodVersion() throws IOException {
    String ordersId = "spiffe://cluster.local/ns/default/sa/orders";
    String otherId = "spiffe://cluster.local/ns/default/sa/payments";
    CountingBackend a = backend("a");
    controlPlane.publish(istio.cluster(IstioMesh.edsCluster(v("v1")).setTransportSocket(IstioMesh.istioMtls(ordersId))
        .build(), a).routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    mesh = MeshClient.builder().service("frontend").environment(Map.of()).systemProperties(new Properties())
        .property("mesh.xds.server", controlPlane.address())
        .property("mesh.xds.node-id", "frontend-1")
        .property("mesh.services.orders.discovery", "xds")
        .property("mesh.services.orders.xds.cluster", v("v1"))
        .build();
    await().atMost(WAIT).untilAsserted(() -> assertThat(overlay().get("mesh.services.orders.identity")).contains(ordersId));

    // another identity, with inline certificates (not supported): the version is NACKed
    UpstreamTlsContext bad = UpstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
        .addTlsCertificates(TlsCertificate.getDefaultInstance())
        .setValidationContext(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext
            .newBuilder().addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(otherId)))).build();
    controlPlane.publish(istio.cluster(IstioMesh.edsCluster(v("v1")).setTransportSocket(TransportSocket.newBuilder()
        .setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(bad))).build(), a).snapshot());

    await().atMost(WAIT).until(() -> nack(XdsResourceType.CLUSTER).isPresent());
    assertThat(overlay().get("mesh.services.orders.identity")).contains(ordersId).doesNotContain(otherId);
    assertThat(overlay()).containsEntry("mesh.services.orders.tls.mode", "strict");
  }

  @Test
  void aBalancerSwitchFromCdsUnderLoadFailsNoRequest() throws Exception {
    CountingBackend a = backend("a");
    CountingBackend a2 = backend("a2");
    controlPlane.publish(istio.subset("v1", a, a2).routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    startMesh();
    assertThat(get("/")).startsWith("a");

    Load load = new Load(4);
    try {
      controlPlane.publish(istio.cluster(IstioMesh.edsCluster(v("v1")).setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST).build(),
          a, a2).snapshot());
      await().atMost(WAIT).until(() -> overlay().containsValue("least-request"));
      int before = load.served.get();
      await().atMost(WAIT).until(() -> load.served.get() > before + 100);
    } finally {
      assertThat(load.stop()).as("the load threads ended").isTrue();
    }

    assertThat(load.failures).isEmpty();
  }

  @Test
  void aDerivedServiceNameTheUserGivesAnotherClusterFailsTheListenerNamingBoth() throws IOException {
    CountingBackend a = backend("a");
    CountingBackend b = backend("b");
    controlPlane.publish(istio.subset("v1", a).subset("v2", b)
        .routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    String derivedOfV1 = "xds-orders-8080-v1-47b0e47d";
    startMesh("mesh.services." + derivedOfV1 + ".discovery", "xds",
        "mesh.services." + derivedOfV1 + ".xds.cluster", v("v2"));

    await().atMost(WAIT).untilAsserted(() -> assertThat(mesh.discoveryStatus("orders").orElseThrow().lastError())
        .hasMessageContaining(v("v1")).hasMessageContaining(derivedOfV1).hasMessageContaining("xds.cluster=" + v("v2")));
    assertThat(a.requests()).isZero();
  }

  /** A control plane that answers requests for resources it does not have, so deletions reach the client. */
  void useAControlPlaneThatReportsDeletions() {
    controlPlane.close();
    controlPlane = new ControlPlane(true);
  }

  @Test
  void aClusterTheServerDeletedLeavesItsServiceWithNoEndpoints() throws IOException {
    useAControlPlaneThatReportsDeletions();
    CountingBackend a = backend("a");
    CountingBackend b = backend("b");
    controlPlane.publish(istio.subset("v1", a).subset("v2", b)
        .routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    mesh = MeshClient.builder().service("frontend").environment(Map.of()).systemProperties(new Properties())
        .property("mesh.xds.server", controlPlane.address())
        .property("mesh.xds.node-id", "frontend-1")
        .property("mesh.services.orders.discovery", "xds")
        .property("mesh.services.orders.xds.cluster", v("v2"))
        .build();
    http = mesh.wrap(new OkHttpClient());
    assertThat(get("/")).isEqualTo("b");

    controlPlane.publish(istio.withoutCluster(v("v2")).snapshot());

    await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> get("/"))
        .isInstanceOf(NoHealthyEndpointException.class)
        .hasMessageContaining("'orders'"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(mesh.discoveryStatus("orders").orElseThrow().lastError())
        .hasMessageContaining(v("v2")).hasMessageContaining("does not exist"));
  }

  @Test
  void aListenerTheServerDeletedFailsRequestsWithNoRouteNamingIt() throws IOException {
    useAControlPlaneThatReportsDeletions();
    CountingBackend a = backend("a");
    controlPlane.publish(istio.subset("v1", a).routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    startMesh();
    assertThat(get("/")).isEqualTo("a");

    controlPlane.publish(istio.withoutListener().snapshot());

    await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> get("/"))
        .isInstanceOf(NoRouteException.class)
        .hasMessageContaining(IstioMesh.LISTENER)
        .hasMessageContaining("does not exist"));
    assertThat(a.requests()).isEqualTo(1);
  }

  @Test
  void aRequestMatchingNoRouteFailsNamingTheListener() throws IOException {
    CountingBackend a = backend("a");
    controlPlane.publish(istio.subset("v1", a).routes(IstioMesh.route(IstioMesh.prefix("/api"), v("v1"))).snapshot());
    startMesh();

    assertThatThrownBy(() -> get("/other"))
        .isInstanceOf(NoRouteException.class)
        .hasMessageContaining(IstioMesh.LISTENER);
    assertThat(a.requests()).isZero();
  }

  @Test
  void routesInlineInTheListenerWorkWithoutRds() throws IOException {
    CountingBackend a = backend("a");
    CountingBackend b = backend("b");
    controlPlane.publish(istio.inlineRoutes().subset("v1", a).subset("v2", b)
        .routes(IstioMesh.route(IstioMesh.prefix("/b"), v("v2")), IstioMesh.route(IstioMesh.prefix("/"), v("v1")))
        .snapshot());
    startMesh();

    assertThat(get("/b/1")).isEqualTo("b");
    assertThat(get("/a/1")).isEqualTo("a");
    assertThat(controlPlane.requests()).noneMatch(r -> r.getTypeUrl().equals(XdsResourceType.ROUTE_CONFIGURATION.typeUrl()));
  }

  @Test
  void aMissingBootstrapFailsStartupNamingTheKeyAndTheFile(@TempDir Path dir) {
    Path missing = dir.resolve("grpc-bootstrap.json");

    assertThatThrownBy(() -> MeshClient.builder().service("frontend").environment(Map.of())
            .systemProperties(new Properties())
            .property("mesh.xds.bootstrap", missing.toString())
            .property("mesh.services.orders.discovery", "xds")
            .property("mesh.services.orders.xds.listener", IstioMesh.LISTENER)
            .build())
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.xds.bootstrap")
        .hasMessageContaining(missing.toString());
    leaks.assertNoNewMeshThreads();
  }

  @Test
  void withIgnoreResourceDeletionInTheBootstrapADeletedClusterKeepsServing(@TempDir Path dir) throws IOException {
    useAControlPlaneThatReportsDeletions();
    CountingBackend a = backend("a");
    CountingBackend b = backend("b");
    controlPlane.publish(istio.subset("v1", a).subset("v2", b)
        .routes(IstioMesh.route(IstioMesh.prefix("/"), v("v1"))).snapshot());
    Path bootstrap = java.nio.file.Files.writeString(dir.resolve("grpc-bootstrap.json"), """
        {
          "xds_servers": [{
            "server_uri": "%s",
            "channel_creds": [{"type": "insecure"}],
            "server_features": ["xds_v3", "ignore_resource_deletion"]
          }],
          "node": {"id": "sidecar~10.0.0.5~frontend-1.default~default.svc.cluster.local", "metadata": {"GENERATOR": "grpc"}}
        }
        """.formatted(controlPlane.address()));
    mesh = MeshClient.builder().service("frontend").environment(Map.of()).systemProperties(new Properties())
        .property("mesh.xds.bootstrap", bootstrap.toString())
        .property("mesh.services.orders.discovery", "xds")
        .property("mesh.services.orders.xds.cluster", v("v2"))
        .build();
    http = mesh.wrap(new OkHttpClient());
    assertThat(get("/")).isEqualTo("b");

    controlPlane.publish(istio.withoutCluster(v("v2")).snapshot());
    await().atMost(WAIT).until(() -> controlPlane.requests().stream().anyMatch(r ->
        r.getTypeUrl().equals(XdsResourceType.CLUSTER.typeUrl()) && r.getVersionInfo().equals("v2")));

    // (without the server feature this fails: the sibling test shows the deletion applied)
    for (int i = 0; i < 5; i++) {
      assertThat(get("/")).isEqualTo("b");
    }
  }

  @Test
  void closeLeavesNoThread() throws IOException {
    CountingBackend a = backend("a");
    controlPlane.publish(istio.subset("v1", a).routes(IstioMesh.route(IstioMesh.prefix("/"), IstioMesh.cluster("v1")))
        .snapshot());
    startMesh();
    assertThat(get("/")).isEqualTo("a");

    mesh.close();

    leaks.assertNoNewMeshThreads();
    // gRPC's own threads (netty event loops, its default executor) end too, once the server is gone
    // (gRPC releases its shared event loop a moment after the last channel or server)
    controlPlane.close();
    await().atMost(WAIT).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("grpc-") && !grpcThreadsBefore.contains(t)).map(Thread::getName))
        .isEmpty());
  }

  /** Threads calling {@code http://orders/} without pause, counting what was served and what failed. */
  private final class Load {
    final AtomicBoolean running = new AtomicBoolean(true);
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final AtomicInteger served = new AtomicInteger();
    final ExecutorService threads;

    Load(int callers) {
      threads = Executors.newFixedThreadPool(callers);
      for (int t = 0; t < callers; t++) {
        threads.submit(() -> {
          while (running.get()) {
            try {
              get("/");
              served.incrementAndGet();
            } catch (Throwable e) {
              failures.add(e);
            }
          }
        });
      }
    }

    boolean stop() throws InterruptedException {
      running.set(false);
      threads.shutdown();
      return threads.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
