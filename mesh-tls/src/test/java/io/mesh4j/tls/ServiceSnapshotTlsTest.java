package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.event.SvidStatusChanged;
import io.mesh4j.spi.ServiceSnapshot;
import io.mesh4j.spi.TransportSecurity;
import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.tls.internal.SpiffeHostnameVerifier;
import io.mesh4j.tls.internal.SvidEvents;
import io.mesh4j.tls.support.MeshPipeline;
import io.mesh4j.tls.support.TestContext;
import io.mesh4j.tls.support.TestEvents;
import io.mesh4j.tls.support.TlsFixtures;
import io.mesh4j.tls.support.TlsFixtures.Server;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSocketFactory;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extension against a route table that changes under it (TestContext's snapshots): which
 * verifier each request gets, what happens to requests still on an older snapshot or of a
 * removed service, where identities come from, the SVID events, and value equality of the
 * module's config values.
 */
class ServiceSnapshotTlsTest {

  static final SpiffeId FRONTEND = SpiffeId.parse("spiffe://example.org/frontend");
  static final SpiffeId ORDERS = SpiffeId.parse("spiffe://example.org/orders");
  static final SpiffeId ORDERS_V2 = SpiffeId.parse("spiffe://example.org/orders-v2");
  static final SpiffeId PAYMENTS = SpiffeId.parse("spiffe://example.org/payments");

  final TlsModule module = new TlsModule();
  @TempDir Path dir;

  MeshConfig config(Map<String, String> globals, Map<String, Map<String, String>> services) {
    Map<String, String> g = new HashMap<>(globals);
    g.putIfAbsent("mesh.service", "frontend");
    g.putIfAbsent("mesh.trust-domain", "example.org");
    g.putIfAbsent("mesh.tls.dev-ca.dir", dir.toString());
    return TestMeshConfigs.of(module.globalKeys(), module.serviceKeys(), g, services);
  }

  /** What secure() applied to a chain: a stand-in chain that records the TLS settings. */
  record Applied(SSLSocketFactory factory, HostnameVerifier verifier) {}

  static Applied secure(TransportSecurity ts, ServiceSnapshot snapshot) {
    Object[] seen = new Object[2];
    Interceptor.Chain[] self = new Interceptor.Chain[1];
    self[0] = (Interceptor.Chain) Proxy.newProxyInstance(
        Interceptor.Chain.class.getClassLoader(), new Class<?>[] {Interceptor.Chain.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "withSslSocketFactory" -> {
            seen[0] = args[0];
            yield self[0];
          }
          case "withHostnameVerifier" -> {
            seen[1] = args[0];
            yield self[0];
          }
          default -> throw new UnsupportedOperationException(method.getName());
        });
    ts.secure(self[0], snapshot);
    return new Applied((SSLSocketFactory) seen[0], (HostnameVerifier) seen[1]);
  }

  static SpiffeHostnameVerifier verifier(TransportSecurity ts, ServiceSnapshot snapshot) {
    return (SpiffeHostnameVerifier) secure(ts, snapshot).verifier();
  }

  @Test
  void oneVerifierPerServiceWhileItsIdentitiesStayAndANewOneWhenTheyChange() {
    MeshConfig c = config(Map.of(), Map.of(
        "orders", Map.of("identity", ORDERS.toString()), "payments", Map.of("tls.mode", "strict")));
    try (TestContext ctx = new TestContext(c); MeshTlsExtension ext = (MeshTlsExtension) module.create(ctx)) {
      TransportSecurity ts = ext.transportSecurity().orElseThrow();
      ServiceSnapshot s1 = ctx.snapshot("orders");
      Applied first = secure(ts, s1);
      SpiffeHostnameVerifier v1 = (SpiffeHostnameVerifier) first.verifier();
      assertThat(v1.allowed()).containsExactly(ORDERS);
      assertThat(secure(ts, s1)).isEqualTo(first);
      assertThat(verifier(ts, ctx.snapshot("payments"))).isNotSameAs(v1);

      // A new snapshot with the same identities (discovery's attributes do not count while
      // identity is set): the same verifier, so pooled connections keep serving.
      ctx.setAttributes("orders", ServiceAttributes.builder()
          .set(ServiceAttributes.PEER_IDENTITIES, List.of(PAYMENTS.toString())).build());
      ServiceSnapshot s2 = ctx.snapshot("orders");
      assertThat(s2).isNotSameAs(s1);
      assertThat(verifier(ts, s2)).isSameAs(v1);

      ctx.setConfig(config(Map.of(), Map.of(
          "orders", Map.of("identity", ORDERS_V2.toString()), "payments", Map.of("tls.mode", "strict"))));
      ServiceSnapshot s3 = ctx.snapshot("orders");
      SpiffeHostnameVerifier v3 = verifier(ts, s3);
      assertThat(v3).isNotSameAs(v1);
      assertThat(v3.allowed()).containsExactly(ORDERS_V2);
      assertThat(ext.allowedIdentities("orders")).containsExactly(ORDERS_V2);

      // A request still on the old snapshot keeps its identities, with a verifier of its own
      // that does not displace the current one.
      SpiffeHostnameVerifier old = verifier(ts, s1);
      assertThat(old.allowed()).containsExactly(ORDERS);
      assertThat(old).isNotSameAs(v3).isSameAs(verifier(ts, s1));
      assertThat(verifier(ts, s3)).isSameAs(v3);
      assertThat(secure(ts, s3).factory()).isSameAs(first.factory());
    }
  }

  @Test
  void identitiesComeFromConfigThenValidDiscoveryIdsThenTheServiceName() {
    SpiffeId sa = SpiffeId.parse("spiffe://example.org/ns/prod/sa/orders");
    SpiffeId federated = SpiffeId.parse("spiffe://partner.example/orders");
    MeshConfig c = config(Map.of(), Map.of(
        "orders", Map.of("tls.mode", "strict"), "payments", Map.of("identity", PAYMENTS.toString())));
    try (TestContext ctx = new TestContext(c); MeshTlsExtension ext = (MeshTlsExtension) module.create(ctx)) {
      assertThat(ext.allowedIdentities("orders")).containsExactly(ORDERS);
      ctx.setAttributes("orders", peers(sa.toString(), "ORDERS", federated.toString(), "spiffe://example.org"));
      assertThat(ext.allowedIdentities("orders")).containsExactly(sa, federated);
      ctx.setAttributes("orders", peers("spiffe://example.org/a/../b"));
      assertThat(ext.allowedIdentities("orders")).as("none valid: the default").containsExactly(ORDERS);
      ctx.setAttributes("orders", peers());
      assertThat(ext.allowedIdentities("orders")).containsExactly(ORDERS);
      ctx.setAttributes("payments", peers(sa.toString()));
      assertThat(ext.allowedIdentities("payments")).as("identity wins").containsExactly(PAYMENTS);
    }
  }

  private static ServiceAttributes peers(String... ids) {
    return ServiceAttributes.builder().set(ServiceAttributes.PEER_IDENTITIES, List.of(ids)).build();
  }

  private static String get(OkHttpClient http, String url) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  private Server backend(TestContext ctx, SpiffeId id, List<AutoCloseable> toClose) throws IOException {
    X509Source source = X509Sources.devCa(dir, id, Duration.ofHours(1), ctx.scheduler(), ctx.clock());
    toClose.add(source);
    Server server = Server.mesh(MeshTlsServer.create(MeshTls.builder(source).build(), CallerPolicy.allow(FRONTEND)));
    toClose.add(server);
    return server;
  }

  private static void closeAll(List<AutoCloseable> toClose) throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void aRequestStillOnTheOldSnapshotIsCheckedAgainstTheIdentitiesInForceNowEvenOnAPooledConnection()
      throws Exception {
    MeshConfig before = config(Map.of(), Map.of("orders", Map.of("identity", ORDERS.toString())));
    List<AutoCloseable> toClose = new ArrayList<>();
    try (TestContext ctx = new TestContext(before); MeshTlsExtension ext = (MeshTlsExtension) module.create(ctx)) {
      Server orders = backend(ctx, ORDERS, toClose);
      ServiceSnapshot old = ctx.snapshot("orders");
      Endpoint endpoint = Endpoint.of("127.0.0.1", orders.port());
      // a long-running call that captured its snapshot before the edit (its retries use it too)
      OkHttpClient onOld = MeshPipeline.wrap(new OkHttpClient(), ext, name -> Optional.of(old), name -> endpoint);
      assertThat(get(onOld, "http://orders/")).isEqualTo("200 " + FRONTEND);

      MeshConfig after = config(Map.of(), Map.of("orders", Map.of("identity", ORDERS_V2.toString())));
      ctx.setConfig(after);
      ext.onServiceUpdated(before.services().get("orders"), after.services().get("orders"));

      // Its pooled connection still matches its (old) verifier; the interceptor refuses it.
      assertThatThrownBy(() -> get(onOld, "http://orders/"))
          .isInstanceOf(PeerIdentityException.class)
          .hasMessage("peer identity rejected for service 'orders' at 127.0.0.1:" + orders.port()
              + ": expected " + ORDERS_V2 + ", got " + ORDERS);
      assertThat(orders.connectionsAccepted()).isEqualTo(1);
      assertThat(orders.callers()).hasSize(1);
      TlsFixtures.shutdown(onOld);
    } finally {
      closeAll(toClose);
    }
  }

  @Test
  void requestsOfARemovedServiceAreStillCheckedAfterItsVerifierWasDropped() throws Exception {
    MeshConfig before = config(Map.of(), Map.of(
        "orders", Map.of("tls.mode", "strict"), "payments", Map.of("tls.mode", "strict")));
    List<AutoCloseable> toClose = new ArrayList<>();
    try (TestContext ctx = new TestContext(before); MeshTlsExtension ext = (MeshTlsExtension) module.create(ctx)) {
      Server orders = backend(ctx, ORDERS, toClose);
      Server impostor = backend(ctx, PAYMENTS, toClose);
      ServiceSnapshot last = ctx.snapshot("orders");
      Map<String, Endpoint> route = new java.util.concurrent.ConcurrentHashMap<>(
          Map.of("orders", Endpoint.of("127.0.0.1", orders.port())));
      OkHttpClient inFlight = MeshPipeline.wrap(new OkHttpClient(), ext, name -> Optional.of(last), route::get);
      assertThat(get(inFlight, "http://orders/")).isEqualTo("200 " + FRONTEND);
      assertThat(ext.cachedVerifiers()).contains("orders");

      MeshConfig after = config(Map.of(), Map.of("payments", Map.of("tls.mode", "strict")));
      ctx.setConfig(after);
      ext.onServiceRemoved(before.services().get("orders"));

      assertThat(ext.cachedVerifiers()).doesNotContain("orders");
      assertThat(ext.allowedIdentities("orders")).isEmpty();
      // Requests that started before the removal finish, checked against their snapshot's identities.
      assertThat(get(inFlight, "http://orders/")).isEqualTo("200 " + FRONTEND);
      route.put("orders", Endpoint.of("127.0.0.1", impostor.port()));
      assertThatThrownBy(() -> get(inFlight, "http://orders/"))
          .isInstanceOf(PeerIdentityException.class)
          .hasMessageContaining("expected " + ORDERS + ", got " + PAYMENTS);
      assertThat(impostor.callers()).isEmpty();
      assertThat(ext.cachedVerifiers()).as("nothing re-cached for the removed service").doesNotContain("orders");
      TlsFixtures.shutdown(inFlight);
    } finally {
      closeAll(toClose);
    }
  }

  @Test
  void theExtensionPublishesItsSvidAtStartAndStopsListeningOnClose() {
    TestContext ctx = new TestContext(config(Map.of(), Map.of()));
    try (ctx) {
      MeshTlsExtension ext = (MeshTlsExtension) module.create(ctx);
      List<SvidStatusChanged> events = ctx.events().published(SvidStatusChanged.class);
      assertThat(events).hasSize(1);
      SvidStatus status = ext.source().orElseThrow().status();
      assertThat(events.get(0)).isEqualTo(new SvidStatusChanged(FRONTEND.toString(), status.serialHex(),
          status.notAfter(), 0, 0, null));
      ext.close();
    }
  }

  @Test
  void svidEventsFollowRotationsAndFailuresOncePerStateAndNothingAfterClose() {
    TestCa ca = TestCa.root("example.org");
    ManualX509Source source = ManualX509Source.of(
        TlsFixtures.svid(ca.svid(FRONTEND.toString())), TlsFixtures.bundles("example.org", ca));
    TestEvents events = new TestEvents();
    SvidEvents svidEvents = SvidEvents.start(source, events);
    X509Svid next = TlsFixtures.svid(ca.svid(FRONTEND.toString()));
    source.update(next, source.bundles());
    source.update(next, TlsFixtures.bundles("example.org", ca, TestCa.root("example.org"))); // bundles only
    source.reportFailure("renewal failed: CA unreachable");
    List<SvidStatusChanged> seen = events.published(SvidStatusChanged.class);
    assertThat(seen).extracting(SvidStatusChanged::rotations).containsExactly(0L, 1L, 1L);
    assertThat(seen).extracting(SvidStatusChanged::renewalFailures).containsExactly(0L, 0L, 1L);
    assertThat(seen.get(1).serialHex()).isEqualTo(next.serialNumber().toString(16));
    assertThat(seen.get(2).lastFailure()).isEqualTo("renewal failed: CA unreachable");

    svidEvents.close();
    source.update(TlsFixtures.svid(ca.svid(FRONTEND.toString())), source.bundles());
    source.reportFailure("again");
    assertThat(events.published(SvidStatusChanged.class)).hasSize(3);
    List<SvidStatusChanged> late = new ArrayList<>();
    events.subscribe(SvidStatusChanged.class, late::add);
    assertThat(late).containsExactly(seen.get(2));
  }

  @Test
  void configValuesOfTheModuleCompareByValueSoAnUnchangedReloadChangesNothing() {
    Map<String, String> globals = Map.of(
        "mesh.tls.mode", "permissive", "mesh.tls.source", "dev-ca", "mesh.tls.svid-ttl", "30m",
        "mesh.tls.min-version", "1.2", "mesh.tls.max-connection-age", "10m", "mesh.tls.handshake-timeout", "2s");
    Map<String, Map<String, String>> services = Map.of(
        "orders", Map.of("identity", ORDERS + ", " + ORDERS_V2, "tls.mode", "strict"),
        "legacy", Map.of("tls.mode", "disabled"));
    MeshConfig a = config(globals, services);
    MeshConfig b = config(globals, services);
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    for (var key : module.globalKeys()) {
      assertThat(a.get(key)).as(key.name()).isEqualTo(b.get(key));
    }
    for (String name : services.keySet()) {
      ServiceConfig sa = a.services().get(name);
      ServiceConfig sb = b.services().get(name);
      assertThat(sa.changedKeys(sb)).as(name).isEmpty();
      for (var key : module.serviceKeys()) {
        assertThat(sa.get(key)).isEqualTo(sb.get(key));
        assertThat(java.util.Objects.hashCode(sa.get(key))).isEqualTo(java.util.Objects.hashCode(sb.get(key)));
      }
    }
    assertThat(a.services().get("orders").get(TlsModule.IDENTITY))
        .isNotSameAs(b.services().get("orders").get(TlsModule.IDENTITY))
        .containsExactly(ORDERS, ORDERS_V2);
    assertThat(SpiffeId.parse(ORDERS.toString())).isEqualTo(ORDERS).hasSameHashCodeAs(ORDERS).isNotSameAs(ORDERS);
  }
}
