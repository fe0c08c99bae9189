package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.config.ConfigOverlay;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.config.ServiceKeys;
import io.mesh4j.event.ConfigApplied;
import io.mesh4j.event.ConfigRejected;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A discovery backend's configuration overlay: keys and services it contributes under the user's
 * configuration, applied live (counted at real backends), losing to the user's keys, rejected
 * whole when bad, and kept across the user's reloads.
 */
class ConfigOverlayTest {

  @TempDir Path dir;
  private final TestDiscovery fake = new TestDiscovery("fake");
  private final List<CountingBackend> backends = new CopyOnWriteArrayList<>();
  private MeshFile file;
  private MeshClient mesh;
  private OkHttpClient http;

  @BeforeEach
  void file() {
    file = new MeshFile(dir.resolve("mesh.properties"));
  }

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    backends.forEach(CountingBackend::close);
  }

  private CountingBackend backend(String name) throws IOException {
    CountingBackend b = new CountingBackend(name);
    backends.add(b);
    return b;
  }

  /** A client whose service 'orders' is discovered by the fake (so its backend, and overlay, exist). */
  private void start(String... serviceLines) throws IOException {
    List<String> lines = new java.util.ArrayList<>(List.of(
        "mesh.service=frontend", "mesh.config.watch=false", "mesh.services.orders.discovery=fake"));
    lines.addAll(List.of(serviceLines));
    file.write(lines.toArray(new String[0]));
    mesh = MeshClient.builder()
        .propertiesFile(file.path)
        .environment(Map.of())
        .systemProperties(new Properties())
        .discoveryProvider(fake)
        .build();
    http = mesh.wrap(new OkHttpClient());
  }

  private ConfigOverlay overlay() {
    return fake.configOverlay();
  }

  private String get(String url) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.body().string();
    }
  }

  /** An overlay adding service 'payments' (static discovery) with the backend as its endpoint. */
  private static Map<String, String> payments(CountingBackend backend) {
    return Map.of("mesh.services.payments.discovery", "static",
        "mesh.services.payments.endpoints", "127.0.0.1:" + backend.port());
  }

  private static void applied(java.util.concurrent.CompletableFuture<Void> change) throws Exception {
    change.get(10, TimeUnit.SECONDS);
  }

  @Test
  void overlayAddsAServiceThatRoutesRequestsToRealBackends() throws Exception {
    start();
    CountingBackend payments = backend("payments");

    applied(overlay().set(payments(payments)));

    assertThat(get("http://payments/pay")).isEqualTo("payments");
    assertThat(payments.received).hasValue(1);
    assertThat(mesh.config().service("payments")).isPresent();
    assertThat(mesh.configStatus().overlays())
        .containsEntry("fake", payments(payments));
  }

  @Test
  void overlayChangesAPolicyKeyLiveAndTheBalancerFollows() throws Exception {
    start();
    CountingBackend a = backend("a");
    CountingBackend b = backend("b");
    fake.setEndpoints("orders", List.of(a.endpoint(), b.endpoint()));
    Set<String> before = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      before.add(get("http://orders/"));
    }
    assertThat(before).containsExactlyInAnyOrder("a", "b"); // round-robin spreads one caller's requests

    List<ConfigApplied> appliedEvents = new CopyOnWriteArrayList<>();
    mesh.events().subscribe(ConfigApplied.class, appliedEvents::add);
    applied(overlay().set(Map.of(
        "mesh.services.orders.lb", "ring-hash", "mesh.services.orders.lb.hash-header", "x-user")));

    Set<String> after = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      try (Response r = http.newCall(new Request.Builder().url("http://orders/").header("x-user", "ann").build())
          .execute()) {
        after.add(r.body().string());
      }
    }
    assertThat(after).hasSize(1); // one key, one backend: the ring-hash the overlay set balances now
    assertThat(appliedEvents).singleElement().satisfies(e -> {
      assertThat(e.origin()).isEqualTo("overlay fake");
      assertThat(e.diff().servicesUpdated()).containsKey("orders");
    });
  }

  @Test
  void aKeyTheUserSetWinsOverTheOverlays() throws Exception {
    start("mesh.services.orders.timeout=7s");

    applied(overlay().set(Map.of(
        "mesh.services.orders.timeout", "1s", "mesh.services.orders.discovery.initial-wait", "3s")));

    var orders = mesh.config().service("orders").orElseThrow();
    assertThat(orders.get(ServiceKeys.TIMEOUT)).isEqualTo(Duration.ofSeconds(7));
    assertThat(orders.get(ServiceKeys.DISCOVERY_INITIAL_WAIT)).isEqualTo(Duration.ofSeconds(3));
    assertThat(mesh.configStatus().overlays().get("fake")).containsEntry("mesh.services.orders.timeout", "1s");
  }

  /** Stand-ins for mesh-tls's keys (mesh.tls.mode, tls.mode), which mesh-core's tests cannot use. */
  private static final io.mesh4j.config.ConfigKey<String> GLOBAL_TLS_MODE = io.mesh4j.config.ConfigKey.global(
      "mesh.tls.mode", io.mesh4j.config.ValueParsers.of("strict or disabled", v -> v)).build();
  private static final io.mesh4j.config.ConfigKey<String> TLS_MODE = io.mesh4j.config.ConfigKey.service(
      "tls.mode", io.mesh4j.config.ValueParsers.of("strict or disabled", v -> v)).build();

  private void startWithTlsKeys(String... lines) throws IOException {
    List<String> all = new java.util.ArrayList<>(List.of(
        "mesh.service=frontend", "mesh.config.watch=false", "mesh.services.orders.discovery=fake"));
    all.addAll(List.of(lines));
    file.write(all.toArray(new String[0]));
    mesh = MeshClient.builder().propertiesFile(file.path).environment(Map.of()).systemProperties(new Properties())
        .discoveryProvider(fake)
        .module(new io.mesh4j.spi.MeshModule() {
          @Override
          public String name() {
            return "tls-keys";
          }

          @Override
          public String artifactId() {
            return "tls-keys-test-module";
          }

          @Override
          public List<io.mesh4j.config.ConfigKey<?>> globalKeys() {
            return List.of(GLOBAL_TLS_MODE);
          }

          @Override
          public List<io.mesh4j.config.ConfigKey<?>> serviceKeys() {
            return List.of(TLS_MODE);
          }

          @Override
          public io.mesh4j.spi.MeshExtension create(io.mesh4j.spi.MeshContext context) {
            return new io.mesh4j.spi.MeshExtension() {
              @Override
              public void close() {}
            };
          }
        })
        .build();
  }

  @Test
  void anOverlayCannotTurnMtlsOffWhenTheUserSetTheGlobalTlsMode() throws Exception {
    startWithTlsKeys("mesh.tls.mode=strict");

    applied(overlay().set(Map.of("mesh.services.orders.tls.mode", "disabled", "mesh.services.orders.timeout", "4s")));

    var orders = mesh.config().service("orders").orElseThrow();
    assertThat(orders.isSet(TLS_MODE)).isFalse(); // the user's mesh.tls.mode governs it
    assertThat(orders.get(ServiceKeys.TIMEOUT)).isEqualTo(Duration.ofSeconds(4)); // the rest applies
  }

  @Test
  void anOverlayCannotTurnMtlsOffWhenTheUsersServiceDefaultsSetIt() throws Exception {
    startWithTlsKeys("mesh.defaults.tls.mode=strict");

    applied(overlay().set(Map.of("mesh.services.orders.tls.mode", "disabled")));

    assertThat(mesh.config().service("orders").orElseThrow().get(TLS_MODE)).isEqualTo("strict");
  }

  @Test
  void withoutAnExplicitUserTlsModeAnOverlayMaySetIt() throws Exception {
    startWithTlsKeys();

    applied(overlay().set(Map.of("mesh.services.orders.tls.mode", "disabled")));

    assertThat(mesh.config().service("orders").orElseThrow().get(TLS_MODE)).isEqualTo("disabled");
  }

  @Test
  void anInvalidValueIsRejectedNamingTheKeyAndTheOverlayAndTheLastGoodStays() throws Exception {
    start();
    applied(overlay().set(Map.of("mesh.services.orders.timeout", "2s")));
    List<ConfigRejected> rejected = new CopyOnWriteArrayList<>();
    mesh.events().subscribe(ConfigRejected.class, rejected::add);

    assertThatThrownBy(() -> overlay().set(Map.of("mesh.services.orders.timeout", "banana")).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.services.orders.timeout=banana")
        .hasMessageContaining("overlay fake");

    assertThat(mesh.config().service("orders").orElseThrow().get(ServiceKeys.TIMEOUT))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(mesh.configStatus().overlays().get("fake")).containsEntry("mesh.services.orders.timeout", "2s");
    assertThat(rejected).singleElement().satisfies(e -> assertThat(e.origin()).isEqualTo("overlay fake"));
    assertThat(mesh.configStatus().lastRejection()).hasValueSatisfying(r ->
        assertThat(r.origin()).isEqualTo("overlay fake"));
  }

  @Test
  void anOverlaysKeysApplyToAServiceALaterSortedOverlayAdds() throws Exception {
    TestDiscovery alpha = new TestDiscovery("alpha");
    TestDiscovery beta = new TestDiscovery("beta");
    file.write("mesh.service=frontend", "mesh.config.watch=false",
        "mesh.services.orders.discovery=alpha", "mesh.services.users.discovery=beta");
    mesh = MeshClient.builder().propertiesFile(file.path).environment(Map.of()).systemProperties(new Properties())
        .discoveryProvider(alpha).discoveryProvider(beta).build();

    // alpha (merged first) sets a key of 'payments', which only beta adds
    applied(alpha.configOverlay().set(Map.of("mesh.services.payments.timeout", "3s")));
    applied(beta.configOverlay().set(Map.of("mesh.services.payments.discovery", "beta",
        "mesh.services.payments.timeout", "9s")));

    // alpha's key applies, and wins over beta's as the first-sorted overlay's does
    assertThat(mesh.config().service("payments").orElseThrow().get(ServiceKeys.TIMEOUT))
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void theSameRejectedSetSentAgainIsRefusedWithoutAnotherRejectionEvent() throws Exception {
    start();
    List<ConfigRejected> rejected = new CopyOnWriteArrayList<>();
    mesh.events().subscribe(ConfigRejected.class, rejected::add);
    Map<String, String> bad = Map.of("mesh.services.orders.timeout", "banana");

    for (int i = 0; i < 3; i++) { // as xDS resends
      assertThatThrownBy(() -> overlay().set(new java.util.HashMap<>(bad)).join())
          .cause()
          .isInstanceOf(MeshConfigException.class)
          .hasMessageContaining("mesh.services.orders.timeout=banana");
    }

    assertThat(rejected).hasSize(1);
  }

  @Test
  void aNullKeyOrValueFailsTheFutureNamingIt() throws Exception {
    start();
    Map<String, String> nullValue = new java.util.HashMap<>();
    nullValue.put("mesh.services.orders.timeout", null);

    assertThatThrownBy(() -> overlay().set(nullValue).join())
        .cause()
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.services.orders.timeout")
        .hasMessageContaining("null");
  }

  @Test
  void onlyPerServiceKeysMayBeContributed() throws Exception {
    start();

    assertThatThrownBy(() -> overlay().set(Map.of("mesh.trust-domain", "evil.example")).join())
        .cause()
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.trust-domain")
        .hasMessageContaining("only set per-service keys");
    assertThat(mesh.config().trustDomain()).isEqualTo("mesh.local");
  }

  @Test
  void removingAServiceFromTheOverlayRemovesTheService() throws Exception {
    start();
    CountingBackend payments = backend("payments");
    applied(overlay().set(payments(payments)));
    assertThat(get("http://payments/")).isEqualTo("payments");

    applied(overlay().set(Map.of()));

    assertThat(mesh.config().service("payments")).isEmpty();
    assertThatThrownBy(() -> get("http://payments/")).isInstanceOf(ServiceRemovedException.class);
    assertThat(mesh.configStatus().overlays()).isEmpty();
  }

  @Test
  void theOverlaySurvivesTheUsersReloadAndApply() throws Exception {
    start();
    CountingBackend payments = backend("payments");
    applied(overlay().set(payments(payments)));

    file.write("mesh.service=frontend", "mesh.config.watch=false", "mesh.services.orders.discovery=fake",
        "mesh.services.orders.timeout=3s");
    mesh.reload();

    assertThat(mesh.config().service("orders").orElseThrow().get(ServiceKeys.TIMEOUT))
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(get("http://payments/")).isEqualTo("payments");

    // MeshClient.apply with a configuration of the user's own (built without the overlay's service)
    mesh.apply(mesh.configLoader()
        .source(io.mesh4j.config.PropertySource.fromMap(Map.of(
            "mesh.service", "frontend", "mesh.services.orders.discovery", "fake"), "test"))
        .load());
    assertThat(get("http://payments/")).isEqualTo("payments");
    assertThat(payments.received).hasValue(2);
  }

  @Test
  void keysTheDiscoveryProviderDeclaresAreAcceptedInAnOverlay() throws Exception {
    io.mesh4j.config.ConfigKey<String> cluster = io.mesh4j.config.ConfigKey.service(
        "clustered.cluster", io.mesh4j.config.ValueParsers.nonEmpty()).build();
    TestDiscovery clustered = new TestDiscovery("clustered", List.of(cluster));
    file.write("mesh.service=frontend", "mesh.config.watch=false", "mesh.services.orders.discovery=clustered");
    mesh = MeshClient.builder().propertiesFile(file.path).environment(Map.of())
        .systemProperties(new Properties()).discoveryProvider(clustered).build();

    applied(clustered.configOverlay().set(Map.of(
        "mesh.services.orders-v1.discovery", "clustered",
        "mesh.services.orders-v1.clustered.cluster", "outbound|8080|v1|orders")));

    await().atMost(Duration.ofSeconds(5)).until(() -> clustered.watchedWith.containsKey("orders-v1"));
    assertThat(clustered.watchedWith.get("orders-v1").get(cluster)).isEqualTo("outbound|8080|v1|orders");
  }

  @Test
  void keysForAServiceNobodyDefinesWaitForTheUserToDefineIt() throws Exception {
    start("mesh.services.payments.endpoints=127.0.0.1:1");
    applied(overlay().set(Map.of("mesh.services.payments.timeout", "4s")));
    assertThat(mesh.config().service("payments").orElseThrow().get(ServiceKeys.TIMEOUT))
        .isEqualTo(Duration.ofSeconds(4));

    file.write("mesh.service=frontend", "mesh.config.watch=false", "mesh.services.orders.discovery=fake");
    mesh.reload(); // the user removes 'payments': the overlay's key must not keep a ghost of it

    assertThat(mesh.config().service("payments")).isEmpty();
    assertThat(mesh.configStatus().overlays().get("fake")).containsEntry("mesh.services.payments.timeout", "4s");

    file.write("mesh.service=frontend", "mesh.config.watch=false", "mesh.services.orders.discovery=fake",
        "mesh.services.payments.endpoints=127.0.0.1:1");
    mesh.reload();
    assertThat(mesh.config().service("payments").orElseThrow().get(ServiceKeys.TIMEOUT))
        .isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void aBackendMaySetItsOverlayFromInsideWatchWhileTheServiceStarts() throws Exception {
    CountingBackend payments = backend("payments");
    java.util.concurrent.CompletableFuture<java.util.concurrent.CompletableFuture<Void>> fromWatch =
        new java.util.concurrent.CompletableFuture<>();
    fake.onWatch = (service, context) -> {
      if (service.equals("orders")) { // during MeshClient.build(), with the mesh starting its services
        fromWatch.complete(context.configOverlay().set(payments(payments)));
      }
    };
    start();

    applied(fromWatch.get(10, TimeUnit.SECONDS));
    assertThat(get("http://payments/")).isEqualTo("payments");
  }

  @Test
  void setAfterCloseCompletesWithMeshClosedException() throws Exception {
    start();
    ConfigOverlay overlay = overlay();
    List<Thread> applying = new CopyOnWriteArrayList<>();
    mesh.events().subscribe(ConfigApplied.class, e -> applying.add(Thread.currentThread()));
    applied(overlay.set(Map.of("mesh.services.orders.timeout", "2s")));
    mesh.close();

    assertThat(applying).singleElement().satisfies(t -> assertThat(t.isAlive()).isFalse());

    assertThatThrownBy(() -> overlay.set(Map.of("mesh.services.orders.timeout", "1s")).join())
        .cause()
        .isInstanceOf(MeshClosedException.class)
        .hasMessageContaining("overlay fake");
  }

  @Test
  void setReturnsAtOnceAndAppliesOnAMeshThreadEvenInsideADiscoveryCallback() throws Exception {
    start();
    CountingBackend payments = backend("payments");
    fake.setEndpoints("payments", List.of(payments.endpoint()));
    List<java.util.concurrent.CompletableFuture<Void>> changes = new CopyOnWriteArrayList<>();
    List<Boolean> doneInside = new CopyOnWriteArrayList<>();

    // set() from inside the callback that answers for 'orders': applying it watches 'payments',
    // which needs the callback's lock, so it can only finish after the callback returned
    fake.setUpdateInCallback("orders", io.mesh4j.discovery.DiscoveryUpdate.of(List.of(payments.endpoint())), () -> {
      java.util.concurrent.CompletableFuture<Void> change = overlay().set(Map.of(
          "mesh.services.payments.discovery", "fake"));
      changes.add(change);
      doneInside.add(change.isDone());
    });

    assertThat(doneInside).containsExactly(false); // set() returned at once, inside the callback
    applied(changes.get(0));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered()).hasSize(1));
    assertThat(get("http://payments/")).isEqualTo("payments");
  }
}
