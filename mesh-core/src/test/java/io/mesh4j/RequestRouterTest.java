package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ValueParser;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.routing.RequestRouter;
import io.mesh4j.routing.RouteDecision;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Per-request routing: a routing service's router sends each request to a target service, which
 * serves it with its own balancer and configuration plus the route's overrides. Requests are
 * counted at real backends.
 */
class RequestRouterTest {

  private final TestDiscovery fake = new TestDiscovery("fake");
  private final List<CountingBackend> backends = new CopyOnWriteArrayList<>();
  private final RecordingModule module = new RecordingModule();
  private MeshClient mesh;
  private OkHttpClient http;

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

  /** 'orders' routes; 'orders-v1' and 'orders-v2' are its targets; all discovered by the fake. */
  private void start(String... extraLines) throws MeshClosedException {
    MeshClient.Builder b = TestMesh.builder().discoveryProvider(fake).module(module)
        .property("mesh.config.watch", "false");
    for (String service : List.of("orders", "orders-v1", "orders-v2")) {
      b.property("mesh.services." + service + ".discovery", "fake");
    }
    for (String line : extraLines) {
      int eq = line.indexOf('=');
      b.property(line.substring(0, eq), line.substring(eq + 1));
    }
    mesh = b.build();
    http = mesh.wrap(new OkHttpClient());
  }

  private void route(RequestRouter router) {
    fake.setUpdate("orders", new DiscoveryUpdate(List.of(),
        ServiceAttributes.builder().set(ServiceAttributes.REQUEST_ROUTER, router).build()));
  }

  private String get(String url) throws IOException {
    return get(url, null);
  }

  private String get(String url, String user) throws IOException {
    Request.Builder r = new Request.Builder().url(url);
    if (user != null) {
      r.header("x-user", user);
    }
    try (Response response = http.newCall(r.build()).execute()) {
      return response.body().string();
    }
  }

  @Test
  void aRouterSplittingByPathReachesEachTargetsBackendsWithTheOriginalHost() throws Exception {
    start();
    CountingBackend v1 = backend("v1");
    CountingBackend v2 = backend("v2");
    fake.setEndpoints("orders-v1", List.of(v1.endpoint()));
    fake.setEndpoints("orders-v2", List.of(v2.endpoint()));
    RouteDecision toV1 = RouteDecision.to("orders-v1");
    RouteDecision toV2 = RouteDecision.to("orders-v2");
    route(request -> request.url().encodedPath().startsWith("/v2/") ? toV2 : toV1);

    for (int i = 0; i < 4; i++) {
      assertThat(get("http://orders/v1/items")).isEqualTo("v1");
    }
    for (int i = 0; i < 3; i++) {
      assertThat(get("http://orders/v2/items")).isEqualTo("v2");
    }

    assertThat(v1.received).hasValue(4);
    assertThat(v2.received).hasValue(3);
    assertThat(v1.hosts).containsOnly("orders"); // as Envoy keeps it: the authority the caller used
    assertThat(v2.hosts).containsOnly("orders");
    assertThat(module.seen).contains("orders->orders-v1", "orders->orders-v2");
  }

  @Test
  void aTimeoutOverrideShorterThanTheTargetsFiresNamingTheRoute() throws Exception {
    start("mesh.services.orders-v1.timeout=30s");
    CountingBackend v1 = backend("v1");
    fake.setEndpoints("orders-v1", List.of(v1.endpoint()));
    RouteDecision route = RouteDecision.to("orders-v1").withOverrides(Map.of("timeout", "300ms"));
    route(request -> route);

    assertThatThrownBy(() -> get("http://orders/held"))
        .isInstanceOf(MeshTimeoutException.class)
        .hasMessageContaining("orders-v1")
        .hasMessageContaining("the timeout of the route of service 'orders'")
        .hasMessageContaining("300ms");
    assertThat(v1.received).hasValue(1);
  }

  @Test
  void theDecisionsHashKeySteersARingHashTarget() throws Exception {
    start("mesh.services.orders-v1.lb=ring-hash");
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      endpoints.add(backend("b" + i).endpoint());
    }
    fake.setEndpoints("orders-v1", endpoints);
    RouteDecision base = RouteDecision.to("orders-v1");
    route(request -> base.withHashKey(request.header("x-user")));

    Set<String> forAnn = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      forAnn.add(get("http://orders/", "ann"));
    }
    Set<String> forMany = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      forMany.add(get("http://orders/", "user-" + i));
    }

    assertThat(forAnn).hasSize(1); // one key, one backend
    assertThat(forMany).hasSizeGreaterThan(1); // keys spread over the ring
  }

  @Test
  void noRouteFailsWithNoRouteExceptionNamingServiceHostPathAndReason() throws Exception {
    start();
    route(request -> RouteDecision.noRoute("no virtual host matches"));

    assertThatThrownBy(() -> get("http://orders/api/items"))
        .isInstanceOf(NoRouteException.class)
        .hasMessageContaining("'orders'")
        .hasMessageContaining("orders/api/items")
        .hasMessageContaining("no virtual host matches")
        .satisfies(e -> assertThat(((NoRouteException) e).service()).isEqualTo("orders"));
  }

  @Test
  void aTargetThatIsNotAServiceFailsNamingRouterAndTarget() throws Exception {
    start();
    route(request -> RouteDecision.to("ghost"));

    assertThatThrownBy(() -> get("http://orders/"))
        .isInstanceOf(NoRouteException.class)
        .hasMessageContaining("'orders'")
        .hasMessageContaining("'ghost', which is not a mesh service");
  }

  @Test
  void aTargetThatRoutesItselfIsAnErrorNotALoop() throws Exception {
    start();
    fake.setUpdate("orders-v1", new DiscoveryUpdate(List.of(), ServiceAttributes.builder()
        .set(ServiceAttributes.REQUEST_ROUTER, request -> RouteDecision.to("orders")).build()));
    await().atMost(Duration.ofSeconds(5)).until(() -> mesh.discoveryStatus("orders-v1").orElseThrow()
        .attributes().get(ServiceAttributes.REQUEST_ROUTER) != null);
    route(request -> RouteDecision.to("orders-v1"));

    assertThatThrownBy(() -> get("http://orders/"))
        .isInstanceOf(NoRouteException.class)
        .hasMessageContaining("routing is one level only");
  }

  @Test
  void anOverrideThatDoesNotParseFailsNamingTheKeyAndTheTarget() throws Exception {
    start();
    fake.setEndpoints("orders-v1", List.of(backend("v1").endpoint()));
    RouteDecision bad = RouteDecision.to("orders-v1").withOverrides(Map.of("timeout", "soon"));
    route(request -> bad);

    assertThatThrownBy(() -> get("http://orders/"))
        .isInstanceOf(NoRouteException.class)
        .hasMessageContaining("'orders'")
        .hasMessageContaining("'orders-v1'")
        .hasMessageContaining("timeout=soon");
  }

  @Test
  void anOverrideOfAKeyThatIsNotPerRequestIsRefused() throws Exception {
    start();
    fake.setEndpoints("orders-v1", List.of(backend("v1").endpoint()));
    RouteDecision bad = RouteDecision.to("orders-v1").withOverrides(Map.of("tls.mode", "disabled"));
    route(request -> bad);

    assertThatThrownBy(() -> get("http://orders/"))
        .isInstanceOf(NoRouteException.class)
        .hasMessageContaining("'tls.mode'");
  }

  @Test
  void aRouterSwappedLiveAppliesToNewRequestsWhileInFlightOnesFinishOnTheOld() throws Exception {
    start();
    CountingBackend v1 = backend("v1");
    CountingBackend v2 = backend("v2");
    fake.setEndpoints("orders-v1", List.of(v1.endpoint()));
    fake.setEndpoints("orders-v2", List.of(v2.endpoint()));
    RouteDecision toV1 = RouteDecision.to("orders-v1");
    route(request -> toV1);
    CompletableFuture<String> inFlight = enqueue("http://orders/held");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(v1.received).hasValue(1));

    RouteDecision toV2 = RouteDecision.to("orders-v2");
    route(request -> toV2);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get("http://orders/new")).isEqualTo("v2"));
    v1.release();

    assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
    assertThat(v1.paths).containsExactly("/held");
  }

  @Test
  void aRequestBeforeTheFirstUpdateWaitsForTheRouter() throws Exception {
    start("mesh.services.orders.discovery.initial-wait=10s");
    CountingBackend v2 = backend("v2");
    fake.setEndpoints("orders-v2", List.of(v2.endpoint()));
    CompletableFuture<String> early = enqueue("http://orders/early");
    // the call runs (and waits in the mesh for the service's first answer) before the router exists
    await().atMost(Duration.ofSeconds(5)).until(() -> http.dispatcher().runningCallsCount() == 1);

    RouteDecision toV2 = RouteDecision.to("orders-v2");
    route(request -> toV2);

    assertThat(early.get(10, TimeUnit.SECONDS)).isEqualTo("v2");
  }

  /** As xDS answers: the router (LDS/RDS) first, the target's endpoints (EDS) later. */
  @Test
  void aRequestThatWaitedForTheRouterAlsoWaitsForTheTargetsFirstAnswer() throws Exception {
    start("mesh.services.orders.discovery.initial-wait=10s", "mesh.services.orders-v1.discovery.initial-wait=10s");
    CountingBackend v1 = backend("v1");
    CompletableFuture<String> early = enqueue("http://orders/early");
    await().atMost(Duration.ofSeconds(5)).until(() -> http.dispatcher().runningCallsCount() == 1);

    RouteDecision toV1 = RouteDecision.to("orders-v1");
    route(request -> toV1);
    // routed: the request is past its call stages, at the target's (still unanswered) discovery
    await().atMost(Duration.ofSeconds(5)).until(() -> module.seen.contains("orders->orders-v1"));
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !early.isDone());
    fake.setEndpoints("orders-v1", List.of(v1.endpoint()));

    assertThat(early.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
  }

  @Test
  void aRoutedRequestWhoseTargetNeverAnswersSaysHowLongItWaited() throws Exception {
    start("mesh.services.orders-v1.discovery.initial-wait=300ms");
    route(request -> RouteDecision.to("orders-v1"));

    assertThatThrownBy(() -> get("http://orders/"))
        .isInstanceOf(NoHealthyEndpointException.class)
        .hasMessageContaining("orders-v1")
        .hasMessageContaining("discovery gave no answer within")
        .hasMessageContaining("of the request's start (discovery.initial-wait 300ms)");
  }

  @Test
  void anOverrideOfAKeyNoModuleDeclaresIsDroppedAndTheRequestServed() throws Exception {
    start(); // no mesh-resilience here: nothing declares retry.max-attempts
    fake.setEndpoints("orders-v1", List.of(backend("v1").endpoint()));
    RouteDecision route = RouteDecision.to("orders-v1").withOverrides(Map.of("retry.max-attempts", "3"));
    route(request -> route);

    for (int i = 0; i < 3; i++) {
      assertThat(get("http://orders/")).isEqualTo("v1");
    }
  }

  @Test
  void anInvalidOverrideIsParsedOnceNotPerRequest() throws Exception {
    start();
    fake.setEndpoints("orders-v1", List.of(backend("v1").endpoint()));
    RouteDecision bad = RouteDecision.to("orders-v1").withOverrides(Map.of("retry.counted", "many"));
    route(request -> bad);

    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> get("http://orders/"))
          .isInstanceOf(NoRouteException.class)
          .hasMessageContaining("retry.counted=many");
    }
    assertThat(COUNTED_PARSES).hasValue(1);
  }

  @Test
  void manyRoutesToOneTargetAreEachParsedOnce() throws Exception {
    start();
    fake.setEndpoints("orders-v1", List.of(backend("v1").endpoint()));
    List<RouteDecision> routes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      routes.add(RouteDecision.to("orders-v1").withOverrides(Map.of("retry.counted", String.valueOf(i))));
    }
    route(request -> routes.get(Integer.parseInt(request.url().queryParameter("route"))));

    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < routes.size(); i++) {
        assertThat(get("http://orders/?route=" + i)).isEqualTo("v1");
      }
    }

    assertThat(COUNTED_PARSES).hasValue(100);
  }

  @Test
  void aRouterBuildingEqualOverridesAnewPerRequestIsNotReparsed() throws Exception {
    start();
    fake.setEndpoints("orders-v1", List.of(backend("v1").endpoint()));
    route(request -> RouteDecision.to("orders-v1").withOverrides(new java.util.HashMap<>(Map.of("retry.counted", "7"))));

    for (int i = 0; i < 10; i++) {
      assertThat(get("http://orders/")).isEqualTo("v1");
    }

    assertThat(COUNTED_PARSES).hasValue(1);
  }

  @Test
  void aRequestThatWaitedForTheRouterAlsoWaitsForItsTargetsFirstAnswer() throws Exception {
    start("mesh.services.orders.discovery.initial-wait=10s", "mesh.services.orders-v2.discovery.initial-wait=10s");
    CountingBackend v2 = backend("v2");
    CompletableFuture<String> early = enqueue("http://orders/early");
    await().atMost(Duration.ofSeconds(5)).until(() -> http.dispatcher().runningCallsCount() == 1);

    // the router comes first (as an xDS listener's does), the target's endpoints after it
    RouteDecision toV2 = RouteDecision.to("orders-v2");
    route(request -> toV2);
    // routed (the module's call stage runs before the attempt), the target has not answered yet
    await().atMost(Duration.ofSeconds(5)).until(() -> module.seen.contains("orders->orders-v2"));
    fake.setEndpoints("orders-v2", List.of(v2.endpoint()));

    assertThat(early.get(10, TimeUnit.SECONDS)).isEqualTo("v2");
  }

  @Test
  void overridesAreParsedOncePerRouteNotPerRequest() throws Exception {
    start();
    fake.setEndpoints("orders-v1", List.of(backend("v1").endpoint()));
    RouteDecision route = RouteDecision.to("orders-v1").withOverrides(Map.of("retry.counted", "7"));
    route(request -> route.withHashKey(request.header("x-user"))); // a new decision, the same overrides

    for (int i = 0; i < 20; i++) {
      assertThat(get("http://orders/", "user-" + i)).isEqualTo("v1");
    }

    assertThat(COUNTED_PARSES).hasValue(1);
    assertThat(module.countedValues).containsOnly(7); // the stage sees the target's config with the override
    assertThat(new java.util.IdentityHashMap<>(module.configs())).hasSize(1); // one derived config, shared

    // a new snapshot of the target (its configuration changed): derived again, once
    fake.configOverlay().set(Map.of("mesh.services.orders-v1.timeout", "9s")).get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 5; i++) {
      get("http://orders/", "user-" + i);
    }
    assertThat(COUNTED_PARSES).hasValue(2);
  }

  @Test
  void aRoutingServiceThatAsksForMtlsNeverRoutesToAPlaintextTarget() throws Exception {
    // a stand-in for mesh-tls's per-service keys; without mesh-tls nothing is secured
    MeshModule tlsKeys = new MeshModule() {
      @Override
      public String name() {
        return "tls-keys";
      }

      @Override
      public String artifactId() {
        return "tls-keys-test-module";
      }

      @Override
      public List<ConfigKey<?>> serviceKeys() {
        return List.of(ConfigKey.service("tls.mode", io.mesh4j.config.ValueParsers.of("strict or disabled", v -> v))
            .build());
      }

      @Override
      public MeshExtension create(MeshContext context) {
        return new MeshExtension() {
          @Override
          public void close() {}
        };
      }
    };
    mesh = TestMesh.builder().discoveryProvider(fake).module(module).module(tlsKeys)
        .property("mesh.config.watch", "false")
        .property("mesh.services.orders.discovery", "fake").property("mesh.services.orders.tls.mode", "strict")
        .property("mesh.services.orders-v1.discovery", "fake").build();
    http = mesh.wrap(new OkHttpClient());
    CountingBackend v1 = backend("v1");
    fake.setEndpoints("orders-v1", List.of(v1.endpoint()));
    route(request -> RouteDecision.to("orders-v1"));

    assertThatThrownBy(() -> get("http://orders/"))
        .isInstanceOf(PlaintextRefusedException.class)
        .hasMessageContaining("'orders'")
        .hasMessageContaining("'orders-v1'")
        .satisfies(e -> assertThat(((PlaintextRefusedException) e).service()).isEqualTo("orders-v1"));
    assertThat(v1.received).hasValue(0);
  }

  private CompletableFuture<String> enqueue(String url) {
    CompletableFuture<String> body = new CompletableFuture<>();
    http.newCall(new Request.Builder().url(url).build()).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        body.completeExceptionally(e);
      }

      @Override
      public void onResponse(Call call, Response response) throws IOException {
        try (response) {
          body.complete(response.body().string());
        }
      }
    });
    return body;
  }

  static final AtomicInteger COUNTED_PARSES = new AtomicInteger();

  /** A per-request key whose parser counts its calls. */
  static final ConfigKey<Integer> COUNTED = ConfigKey.service("retry.counted", new ValueParser<Integer>() {
    @Override
    public Integer parse(String raw) {
      COUNTED_PARSES.incrementAndGet();
      return Integer.parseInt(raw.trim());
    }

    @Override
    public String expected() {
      return "an integer";
    }
  }).build();

  /** Declares {@link #COUNTED}; its call stage records who routed to whom and the counted key. */
  private static final class RecordingModule implements MeshModule {
    final List<String> seen = new CopyOnWriteArrayList<>();
    final List<Integer> countedValues = new CopyOnWriteArrayList<>();
    final List<io.mesh4j.config.ServiceConfig> configs = new CopyOnWriteArrayList<>();

    Map<io.mesh4j.config.ServiceConfig, Boolean> configs() {
      Map<io.mesh4j.config.ServiceConfig, Boolean> byIdentity = new java.util.IdentityHashMap<>();
      configs.forEach(c -> byIdentity.put(c, true));
      return byIdentity;
    }

    RecordingModule() {
      COUNTED_PARSES.set(0);
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public String artifactId() {
      return "recording-test-module";
    }

    @Override
    public List<ConfigKey<?>> serviceKeys() {
      return List.of(COUNTED);
    }

    @Override
    public MeshExtension create(MeshContext context) {
      return new RecordingExtension(this);
    }
  }

  private static final class RecordingExtension implements MeshExtension {
    private final RecordingModule module;

    RecordingExtension(RecordingModule module) {
      this.module = module;
    }

    @Override
    public List<MeshStage> stages() {
      return List.of(new MeshStage() {
        @Override
        public Kind kind() {
          return Kind.CALL;
        }

        @Override
        public int order() {
          return 500;
        }

        @Override
        public Response intercept(io.mesh4j.pipeline.MeshChain chain) throws IOException {
          module.seen.add(chain.call().routedFrom() + "->" + chain.call().service());
          if (chain.call().config().isSet(COUNTED)) {
            module.countedValues.add(chain.call().config().get(COUNTED));
            module.configs.add(chain.call().config());
          }
          return chain.proceed(chain.request());
        }
      });
    }

    @Override
    public void close() {}
  }
}
