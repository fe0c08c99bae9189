package io.mesh4j.testing.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.mesh4j.MeshClient;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.PropertySource;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.Locality;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the mesh does with discovery and load balancing while they change under it. */
class DynamicDiscoveryTest {

  private final FakeDiscovery fake = new FakeDiscovery();
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private MeshClient mesh;
  private OkHttpClient http;

  private Endpoint backend(String name) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
    s.createContext("/", exchange -> {
      byte[] body = name.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    s.start();
    servers.add(s);
    return Endpoint.of("127.0.0.1", s.getAddress().getPort());
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @BeforeEach
  void noMeshYet() {
    mesh = null;
  }

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    servers.forEach(s -> s.stop(0));
  }

  private void start(Map<String, String> properties, LoadBalancerProvider... policies) throws IOException {
    MeshClient.Builder b = MeshClient.builder().service("frontend").environment(Map.of())
        .systemProperties(new Properties()).discoveryProvider(fake);
    for (LoadBalancerProvider p : policies) {
      b.loadBalancer(p);
    }
    properties.forEach(b::property);
    mesh = b.build();
    http = mesh.wrap(new OkHttpClient());
  }

  private String call() throws IOException {
    try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
      return r.body().string();
    }
  }

  private MeshConfig config(Map<String, String> properties) {
    Map<String, String> all = new HashMap<>(properties);
    all.put("mesh.service", "frontend");
    return mesh.configLoader().source(PropertySource.fromMap(all, "test")).load();
  }

  @Test
  void aFailedConnectionAsksDiscoveryForAFreshAnswerAtMostOncePerSecond() throws IOException {
    start(Map.of("mesh.services.orders.discovery", "fake"));
    fake.setEndpoints("orders", List.of(Endpoint.of("127.0.0.1", closedPort())));

    for (int i = 0; i < 20; i++) {
      assertThatThrownBy(this::call).isInstanceOf(ConnectException.class);
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> fake.refreshes("orders") >= 1);
    assertThat(fake.refreshes("orders")).as("20 failures within well under a few seconds").isLessThanOrEqualTo(3);
  }

  @Test
  void serviceAttributesFromDiscoveryReachTheStatusAndTheBalancer() throws IOException {
    RecordingPolicy policy = new RecordingPolicy("recording");
    start(Map.of("mesh.services.orders.discovery", "fake", "mesh.services.orders.lb", "recording"), policy);
    ServiceAttributes attributes = ServiceAttributes.builder()
        .set(ServiceAttributes.PEER_IDENTITIES, List.of("spiffe://example.org/ns/shop/sa/orders"))
        .build();

    fake.setUpdate("orders", new DiscoveryUpdate(List.of(backend("a")), attributes));

    assertThat(call()).isEqualTo("a");
    assertThat(mesh.discoveryStatus("orders").orElseThrow().attributes()).isEqualTo(attributes);
    assertThat(policy.updates).last().extracting(LoadBalancerUpdate::attributes).isEqualTo(attributes);
  }

  @Test
  void aLocalityEditReachesTheBalancerWithAFreshUpdate() throws IOException {
    RecordingPolicy policy = new RecordingPolicy("recording");
    start(Map.of("mesh.services.orders.discovery", "fake", "mesh.services.orders.lb", "recording",
        "mesh.locality.zone", "eu-1a"), policy);
    fake.setEndpoints("orders", List.of(backend("a")));
    assertThat(call()).isEqualTo("a");
    assertThat(policy.localities).last().isEqualTo(Locality.zone("eu-1a"));

    mesh.apply(config(Map.of("mesh.services.orders.discovery", "fake", "mesh.services.orders.lb", "recording",
        "mesh.locality.zone", "eu-1b")));

    assertThat(policy.localities).last().isEqualTo(Locality.zone("eu-1b"));
    assertThat(mesh.configStatus().restartRequired()).isEmpty();
  }

  @Test
  void aNewPolicyTakesOverOnlyOnceItHasAPickerAndTheOldOneServesMeanwhile() throws IOException {
    RecordingPolicy slow = new RecordingPolicy("slow-to-start");
    slow.holdFirstPicker = true;
    start(Map.of("mesh.services.orders.discovery", "fake", "mesh.services.orders.lb", "round-robin"), slow);
    fake.setEndpoints("orders", List.of(backend("a")));
    assertThat(call()).isEqualTo("a");

    mesh.apply(config(Map.of("mesh.services.orders.discovery", "fake", "mesh.services.orders.lb", "slow-to-start")));

    assertThat(slow.updates).isNotEmpty(); // it got the endpoints at once...
    assertThat(call()).isEqualTo("a"); // ...but round-robin still serves
    assertThat(slow.picks).isZero();

    slow.release();

    assertThat(call()).isEqualTo("a");
    assertThat(slow.picks).isEqualTo(1);
  }

  @Test
  void switchingDiscoveryKeepsTheLastGoodEndpointsUntilTheNewSourceAnswers() throws IOException {
    Endpoint a = backend("a");
    Endpoint b = backend("b");
    start(Map.of("mesh.services.orders.endpoints", a.authority()));
    assertThat(call()).isEqualTo("a");

    mesh.apply(config(Map.of("mesh.services.orders.discovery", "fake")));

    assertThat(fake.isWatched("orders")).isTrue();
    assertThat(call()).as("static's last answer keeps serving").isEqualTo("a");
    fake.setEndpoints("orders", List.of(b));
    assertThat(call()).isEqualTo("b");
    assertThat(fake.backendsOpened()).isEqualTo(1);
  }

  @Test
  void aSuddenEmptyAnswerIsHeldBackForTheGracePeriodThenApplied() throws IOException {
    start(Map.of("mesh.services.orders.discovery", "fake", "mesh.services.orders.discovery.empty-grace", "500ms"));
    fake.setEndpoints("orders", List.of(backend("a")));
    assertThat(call()).isEqualTo("a");

    fake.setEndpoints("orders", List.of()); // every key gone at once: maybe a glitch of the backend

    assertThat(call()).as("the last endpoints keep serving during the grace").isEqualTo("a");
    assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered()).hasSize(1);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThatThrownBy(this::call).isInstanceOf(io.mesh4j.NoHealthyEndpointException.class));
  }

  @Test
  void anEmptyAnswerThatEndsBeforeTheGraceChangesNothingAndASureOneAppliesAtOnce() throws IOException {
    start(Map.of("mesh.services.orders.discovery", "fake", "mesh.services.orders.discovery.empty-grace", "500ms"));
    Endpoint a = backend("a");
    fake.setEndpoints("orders", List.of(a));
    fake.setEndpoints("orders", List.of());
    fake.setEndpoints("orders", List.of(a)); // back before the grace ran out

    assertThat(call()).isEqualTo("a");
    fake.setUpdate("orders", DiscoveryUpdate.of(List.of()).asAuthoritative()); // the source is sure
    assertThatThrownBy(this::call).isInstanceOf(io.mesh4j.NoHealthyEndpointException.class);
  }

  @Test
  void aRemovedServiceStopsItsWatchAndTheBackendClosesWithTheClient() throws IOException {
    start(Map.of("mesh.services.orders.discovery", "fake", "mesh.services.payments.discovery", "fake"));
    assertThat(fake.isWatched("orders")).isTrue();

    mesh.apply(config(Map.of("mesh.services.payments.discovery", "fake")));

    assertThat(fake.isWatched("orders")).isFalse();
    assertThat(fake.isWatched("payments")).isTrue();
    mesh.close();
    assertThat(fake.backendsClosed()).isEqualTo(1);
    assertThat(fake.isWatched("payments")).isFalse();
  }

  /** A round-robin-ish policy that records what it is given and can hold back its first picker. */
  private static final class RecordingPolicy implements LoadBalancerProvider {
    final String name;
    final List<LoadBalancerUpdate> updates = new CopyOnWriteArrayList<>();
    final List<Locality> localities = new CopyOnWriteArrayList<>();
    volatile boolean holdFirstPicker;
    volatile int picks;
    private final AtomicReference<Runnable> release = new AtomicReference<>();

    RecordingPolicy(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    void release() {
      release.get().run();
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
      return update -> {
        updates.add(update);
        localities.add(context.locality());
        Endpoint first = update.endpoints().get(0);
        Picker picker = request -> {
          picks++;
          return PickResult.of(first);
        };
        if (holdFirstPicker) {
          release.set(() -> context.updatePicker(picker));
        } else {
          context.updatePicker(picker);
        }
      };
    }
  }
}
