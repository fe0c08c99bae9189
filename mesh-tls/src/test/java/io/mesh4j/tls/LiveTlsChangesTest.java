package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.config.PropertySource;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.event.SvidStatusChanged;
import io.mesh4j.testing.LeakCheck;
import io.mesh4j.testing.discovery.FakeDiscovery;
import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.support.ProtocolSplitter;
import io.mesh4j.tls.support.TlsFixtures;
import io.mesh4j.tls.support.TlsFixtures.PlainServer;
import io.mesh4j.tls.support.TlsFixtures.Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running MeshClient follows live changes of what mesh-tls reads per service (identity,
 * tls.mode, discovery's peer identities), drops a removed service's state, and reports its SVID on
 * the event bus. Real peers: JDK HttpsServers with dev-ca SVIDs on 127.0.0.1:0.
 */
class LiveTlsChangesTest {

  static final SpiffeId FRONTEND = SpiffeId.parse("spiffe://example.org/frontend");
  static final SpiffeId ORDERS = SpiffeId.parse("spiffe://example.org/orders");
  static final SpiffeId ORDERS_V2 = SpiffeId.parse("spiffe://example.org/orders-v2");
  static final SpiffeId PAYMENTS = SpiffeId.parse("spiffe://example.org/payments");

  @TempDir Path dir;
  Path ca;
  ScheduledExecutorService scheduler;
  final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void setUp() {
    ca = dir.resolve("ca");
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    scheduler.shutdownNow();
  }

  /** A backend presenting a dev-ca SVID of {@code id} that lets the frontend in. */
  private Server backend(SpiffeId id) throws IOException {
    X509Source source = X509Sources.devCa(ca, id, Duration.ofHours(1), scheduler, MeshClock.SYSTEM);
    toClose.add(source);
    return Server.mesh(MeshTlsServer.create(MeshTls.builder(source).build(), CallerPolicy.allow(FRONTEND)));
  }

  private Map<String, String> props(String... keyValues) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("mesh.service", "frontend");
    p.put("mesh.trust-domain", "example.org");
    p.put("mesh.tls.dev-ca.dir", ca.toString());
    return with(p, keyValues);
  }

  private static Map<String, String> with(Map<String, String> base, String... keyValues) {
    Map<String, String> p = new LinkedHashMap<>(base);
    for (int i = 0; i < keyValues.length; i += 2) {
      p.put(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  private static Map<String, String> without(Map<String, String> base, String prefix) {
    Map<String, String> p = new LinkedHashMap<>(base);
    p.keySet().removeIf(k -> k.startsWith(prefix));
    return p;
  }

  private static MeshClient start(Map<String, String> props, FakeDiscovery... discovery) {
    MeshClient.Builder b = MeshClient.builder().environment(Map.of()).systemProperties(new Properties());
    props.forEach(b::property);
    for (FakeDiscovery d : discovery) {
      b.discoveryProvider(d);
    }
    return b.build();
  }

  /** A live edit, as an application fed by a control plane would make it. */
  private static io.mesh4j.config.ConfigDiff apply(MeshClient mesh, Map<String, String> props) {
    return mesh.apply(mesh.configLoader().source(PropertySource.fromMap(props, "test")).load());
  }

  private static MeshTlsExtension tls(MeshClient mesh) {
    return mesh.extension(MeshTlsExtension.class).orElseThrow();
  }

  private static String get(OkHttpClient http, String url) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  private static PeerIdentityException peerIdentityFailure(OkHttpClient http, String url) {
    Throwable t = catchThrowable(() -> get(http, url));
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof PeerIdentityException e) {
        return e;
      }
    }
    throw new AssertionError("expected a PeerIdentityException, got " + t, t);
  }

  @Test
  void aLiveIdentityEditAppliesToTheNextRequestAndThePooledConnectionIsNotReused() throws Exception {
    Server orders = backend(ORDERS);
    toClose.add(orders);
    Map<String, String> props = props(
        "mesh.services.orders.endpoints", "127.0.0.1:" + orders.port(),
        "mesh.services.orders.identity", ORDERS.toString());
    try (MeshClient mesh = start(props)) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      assertThat(get(http, "http://orders/a")).isEqualTo("200 " + FRONTEND);
      assertThat(get(http, "http://orders/b")).isEqualTo("200 " + FRONTEND);
      assertThat(orders.connectionsAccepted()).as("the second request reused the pooled connection").isEqualTo(1);
      assertThat(apply(mesh, props).isEmpty()).as("the same config again changes nothing").isTrue();

      apply(mesh, with(props, "mesh.services.orders.identity", ORDERS_V2.toString()));

      assertThat(tls(mesh).allowedIdentities("orders")).containsExactly(ORDERS_V2);
      PeerIdentityException e = peerIdentityFailure(http, "http://orders/c");
      assertThat(e).hasMessage("peer identity rejected for service 'orders' at 127.0.0.1:" + orders.port()
          + ": expected " + ORDERS_V2 + ", got " + ORDERS);
      assertThat(e.expected()).containsExactly(ORDERS_V2);
      assertThat(e.actual()).isEqualTo(ORDERS);
      // A new connection was opened and refused after its handshake: the pooled one, checked
      // against the old identity, was not used; the refused request never reached the backend.
      assertThat(orders.connectionsAccepted()).isEqualTo(2);
      assertThat(orders.callers()).hasSize(2);

      apply(mesh, props); // and back
      assertThat(get(http, "http://orders/d")).isEqualTo("200 " + FRONTEND);
      assertThat(orders.connectionsAccepted()).as("a changed set always gets a new verifier, hence a new connection")
          .isEqualTo(3);
      assertThat(orders.callers()).containsExactly(FRONTEND.toString(), FRONTEND.toString(), FRONTEND.toString());
      TlsFixtures.shutdown(http);
    }
  }

  /** Request loops on a few threads, counting answers by body and keeping every failure. */
  private static final class Load implements AutoCloseable {
    final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final ExecutorService threads = Executors.newFixedThreadPool(4);

    Load(OkHttpClient http, String url) {
      for (int i = 0; i < 4; i++) {
        threads.execute(() -> {
          while (!stop.get()) {
            try {
              answers.computeIfAbsent(get(http, url), k -> new AtomicInteger()).incrementAndGet();
            } catch (Exception e) {
              failures.add(e);
            }
          }
        });
      }
    }

    int count(String answer) {
      AtomicInteger n = answers.get(answer);
      return n == null ? 0 : n.get();
    }

    void awaitMore(String answer, int more) {
      int before = count(answer);
      await().atMost(Duration.ofSeconds(20)).until(() -> count(answer) >= before + more);
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      threads.shutdown();
      assertThat(threads.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aLiveSwitchOfTlsModeMovesRequestsToPlaintextAndBackWithoutAFailure() throws Exception {
    // One endpoint in front of a TLS and a plaintext backend, like a service being migrated: only
    // the mode changes, so every request, wherever the switch catches it, has somewhere to go.
    Server tlsBackend = backend(ORDERS);
    PlainServer plainBackend = new PlainServer();
    ProtocolSplitter orders = new ProtocolSplitter(tlsBackend.port(), plainBackend.port());
    toClose.addAll(List.of(tlsBackend, plainBackend, orders));
    Map<String, String> strict = props("mesh.services.orders.endpoints", "127.0.0.1:" + orders.port());
    Map<String, String> plaintext = with(strict, "mesh.services.orders.tls.mode", "disabled");
    String overTls = "200 " + FRONTEND;
    try (MeshClient mesh = start(strict)) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      Load load = new Load(http, "http://orders/x");
      try {
        load.awaitMore(overTls, 30);

        apply(mesh, plaintext);
        assertThat(get(http, "http://orders/next")).as("the next request").isEqualTo("200 plain");
        assertThat(tls(mesh).securesService("orders")).isFalse();
        load.awaitMore("200 plain", 30);
        int tlsConnections = tlsBackend.connectionsAccepted();
        int tlsAnswers = load.count(overTls);
        load.awaitMore("200 plain", 30);
        assertThat(load.count(overTls)).as("no request went over TLS any more").isEqualTo(tlsAnswers);

        apply(mesh, strict);
        assertThat(get(http, "http://orders/next")).isEqualTo(overTls);
        load.awaitMore(overTls, 30);
        // The identity did not change, so the verifier did not either: the TLS connections pooled
        // before the switch serve again. (At most one new: the check request above may run beside
        // the four load threads and need a fifth connection.)
        assertThat(tlsBackend.connectionsAccepted()).isBetween(tlsConnections, tlsConnections + 1);
      } finally {
        load.close();
      }
      assertThat(load.failures).as("no request failed across both switches").isEmpty();
      TlsFixtures.shutdown(http);
      assertThat(orders.plainConnections()).isPositive();
    }
  }

  private static DiscoveryUpdate update(Endpoint endpoint, String... peerIdentities) {
    return new DiscoveryUpdate(List.of(endpoint),
        ServiceAttributes.builder().set(ServiceAttributes.PEER_IDENTITIES, List.of(peerIdentities)).build());
  }

  @Test
  void identitiesFromDiscoveryAreEnforcedUnlessIdentityIsConfigured() throws Exception {
    SpiffeId saOrders = SpiffeId.parse("spiffe://example.org/ns/prod/sa/orders");
    SpiffeId saBilling = SpiffeId.parse("spiffe://example.org/ns/prod/sa/billing");
    Server orders = backend(saOrders);
    toClose.add(orders);
    Endpoint endpoint = Endpoint.of("127.0.0.1", orders.port());
    FakeDiscovery discovery = new FakeDiscovery();
    discovery.setUpdate("orders", update(endpoint, saOrders.toString(), "spiffe://Example.org/not-valid"));
    Map<String, String> props = props("mesh.services.orders.discovery", "fake");
    try (MeshClient mesh = start(props, discovery)) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      // spiffe://example.org/orders (the default) would refuse this server; discovery names it
      assertThat(get(http, "http://orders/")).isEqualTo("200 " + FRONTEND);
      assertThat(tls(mesh).allowedIdentities("orders")).containsExactly(saOrders);

      discovery.setUpdate("orders", update(endpoint, saBilling.toString()));
      PeerIdentityException e = peerIdentityFailure(http, "http://orders/");
      assertThat(e.expected()).containsExactly(saBilling);
      assertThat(e.actual()).isEqualTo(saOrders);

      // nothing valid from discovery: the default applies
      discovery.setUpdate("orders", update(endpoint, "not-a-spiffe-id", "spiffe://example.org"));
      e = peerIdentityFailure(http, "http://orders/");
      assertThat(e).hasMessageContaining("expected " + ORDERS + ", got " + saOrders);

      // the configured identity wins over discovery
      discovery.setUpdate("orders", update(endpoint, saBilling.toString()));
      apply(mesh, with(props, "mesh.services.orders.identity", saOrders.toString()));
      assertThat(get(http, "http://orders/")).isEqualTo("200 " + FRONTEND);
      assertThat(tls(mesh).allowedIdentities("orders")).containsExactly(saOrders);
      TlsFixtures.shutdown(http);
    }
  }

  @Test
  void svidStatusIsPublishedAtStartAfterRotationAndFailedRenewalAndReplayedToLateSubscribers() throws Exception {
    try (MeshClient mesh = start(props("mesh.tls.svid-ttl", "4s"))) {
      List<SvidStatusChanged> seen = new CopyOnWriteArrayList<>();
      try (var subscription = mesh.events().subscribe(SvidStatusChanged.class, seen::add)) {
        // published while the client started, before anyone could subscribe: replayed
        assertThat(seen).isNotEmpty();
        SvidStatusChanged first = seen.get(0);
        assertThat(first.spiffeId()).isEqualTo(FRONTEND.toString());
        assertThat(first.renewalFailures()).isZero();
        assertThat(first.lastFailure()).isNull();

        await().atMost(Duration.ofSeconds(15)).until(() -> seen.stream().anyMatch(s -> s.rotations() >= 1));
        SvidStatusChanged rotated = seen.stream().filter(s -> s.rotations() >= 1).findFirst().orElseThrow();
        assertThat(rotated.serialHex()).isNotEqualTo(first.serialHex());
        assertThat(rotated.notAfter()).isAfter(first.notAfter());

        // a broken CA makes the next renewal fail: published too, the SVID stays
        Files.writeString(ca.resolve("ca.pem"), "not a certificate\n");
        await().atMost(Duration.ofSeconds(15)).until(() -> seen.stream().anyMatch(s -> s.renewalFailures() >= 1));
        SvidStatusChanged failed = seen.stream().filter(s -> s.renewalFailures() >= 1).findFirst().orElseThrow();
        assertThat(failed.lastFailure()).startsWith("dev-ca: renewing the SVID of " + FRONTEND + " failed");
        assertThat(failed.serialHex()).isEqualTo(seen.get(seen.indexOf(failed) - 1).serialHex());
      }
      List<SvidStatusChanged> late = new ArrayList<>();
      try (var subscription = mesh.events().subscribe(SvidStatusChanged.class, late::add)) {
        assertThat(late).as("the latest state, once").hasSize(1);
        assertThat(late.get(0).renewalFailures()).isPositive();
      }
    }
  }

  @Test
  void aRemovedServicesVerifierIsDroppedAndCloseLeavesNoThread() throws Exception {
    LeakCheck leaks = LeakCheck.snapshot();
    Server orders = backend(ORDERS);
    Server payments = backend(PAYMENTS);
    toClose.addAll(List.of(orders, payments));
    Map<String, String> props = props(
        "mesh.services.orders.endpoints", "127.0.0.1:" + orders.port(),
        "mesh.services.payments.endpoints", "127.0.0.1:" + payments.port());
    MeshClient mesh = start(props);
    OkHttpClient http = mesh.wrap(new OkHttpClient());
    assertThat(get(http, "http://orders/")).isEqualTo("200 " + FRONTEND);
    assertThat(get(http, "http://payments/")).isEqualTo("200 " + FRONTEND);
    MeshTlsExtension ext = tls(mesh);
    assertThat(ext.cachedVerifiers()).containsExactlyInAnyOrder("orders", "payments");

    apply(mesh, without(props, "mesh.services.payments."));

    assertThat(ext.cachedVerifiers()).containsExactly("orders");
    assertThat(ext.allowedIdentities("payments")).isEmpty();
    assertThat(ext.securesService("payments")).isFalse();
    assertThat(get(http, "http://orders/")).isEqualTo("200 " + FRONTEND);
    assertThat(orders.connectionsAccepted()).as("orders kept its verifier and connection").isEqualTo(1);
    TlsFixtures.shutdown(http);
    mesh.close();
    leaks.assertNoNewMeshThreads();
  }
}
