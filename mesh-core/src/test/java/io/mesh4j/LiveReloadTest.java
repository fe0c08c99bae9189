package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.config.ConfigDiff;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.ConfigStatus;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.config.ServiceKeys;
import io.mesh4j.event.ConfigApplied;
import io.mesh4j.event.ConfigNeedsRestart;
import io.mesh4j.event.ConfigRejected;
import io.mesh4j.event.ServiceRemoved;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live reload of the properties file: what an edit changes in traffic (counted at real backends),
 * and what a bad edit, a deleted file or a race with close() leave behind.
 */
class LiveReloadTest {

  private static final Duration SEEN = Duration.ofSeconds(5);

  @TempDir Path dir;
  private MeshFile file;
  private Backends backends;
  private MeshClient mesh;
  private OkHttpClient http;
  private final Set<String> dnsLookups = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void backends() throws IOException {
    file = new MeshFile(dir.resolve("mesh.properties"));
    backends = Backends.naming(3);
  }

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    backends.close();
  }

  private String endpoint(int i) {
    return "127.0.0.1:" + backends.servers.get(i).getPort();
  }

  private String port(int i) {
    return "port=" + backends.servers.get(i).getPort();
  }

  private void start(Map<String, String> env, String... lines) throws IOException {
    file.write(lines);
    mesh =
        MeshClient.builder()
            .propertiesFile(file.path)
            .environment(env)
            .systemProperties(new Properties())
            .build();
    http =
        mesh.wrap(
            new OkHttpClient.Builder()
                .dns(host -> {
                  dnsLookups.add(host);
                  return Dns.SYSTEM.lookup(host);
                })
                .build());
  }

  private void start(String... lines) throws IOException {
    start(Map.of(), lines);
  }

  private static String[] config(String... serviceLines) {
    List<String> lines = new ArrayList<>(List.of("mesh.service=frontend", "mesh.config.watch-interval=20ms"));
    lines.addAll(List.of(serviceLines));
    return lines.toArray(new String[0]);
  }

  private String get(String url) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.body().string();
    }
  }

  private Set<String> answersOf(int requests) throws IOException {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      seen.add(get("http://orders/"));
    }
    return seen;
  }

  @Test
  void anAddedEndpointTakesTrafficAfterTheEdit() throws IOException {
    start(config("mesh.services.orders.endpoints=" + endpoint(0), "mesh.services.orders.lb=round-robin"));
    assertThat(answersOf(5)).containsExactly(port(0));

    file.write(config(
        "mesh.services.orders.endpoints=" + endpoint(0) + "," + endpoint(1), "mesh.services.orders.lb=round-robin"));

    await().atMost(SEEN).until(() -> answersOf(4).contains(port(1)));
    ConfigStatus status = mesh.configStatus();
    assertThat(status.version()).isEqualTo(2);
    assertThat(status.origin()).isEqualTo("mesh.properties");
    assertThat(status.lastRejection()).isEmpty();
  }

  @Test
  void aRemovedEndpointGetsNoNewRequests() throws IOException {
    start(config("mesh.services.orders.endpoints=" + endpoint(0) + "," + endpoint(1), "mesh.services.orders.lb=round-robin"));
    assertThat(answersOf(6)).containsExactlyInAnyOrder(port(0), port(1));
    int before = backends.servers.get(1).getRequestCount();

    file.write(config("mesh.services.orders.endpoints=" + endpoint(0), "mesh.services.orders.lb=round-robin"));
    await().atMost(SEEN).until(() -> mesh.configStatus().version() == 2);

    assertThat(answersOf(20)).containsExactly(port(0));
    assertThat(backends.servers.get(1).getRequestCount()).isEqualTo(before);
  }

  @Test
  void aDrainingEndpointGetsNoNewRequests() throws IOException {
    start(config("mesh.services.orders.endpoints=" + endpoint(0) + "," + endpoint(1), "mesh.services.orders.lb=round-robin"));

    file.write(config("mesh.services.orders.endpoints=" + endpoint(0) + "," + endpoint(1) + ";health=draining",
        "mesh.services.orders.lb=round-robin"));
    await().atMost(SEEN).until(() -> mesh.configStatus().version() == 2);

    assertThat(answersOf(20)).containsExactly(port(0));
  }

  @Test
  void aSwitchedPolicyBalancesTheNextRequests() throws IOException {
    String all = endpoint(0) + "," + endpoint(1) + "," + endpoint(2);
    start(config("mesh.services.orders.endpoints=" + all, "mesh.services.orders.lb=round-robin"));
    assertThat(answersOf(9)).hasSize(3);

    file.write(config("mesh.services.orders.endpoints=" + all, "mesh.services.orders.lb=ring-hash",
        "mesh.services.orders.lb.hash-header=x-user"));
    await().atMost(SEEN).until(() -> mesh.configStatus().version() == 2);

    for (String user : List.of("ann", "bob", "cid", "dee")) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        try (Response r = http.newCall(new Request.Builder().url("http://orders/").header("x-user", user).build())
            .execute()) {
          seen.add(r.body().string());
        }
      }
      assertThat(seen).as("requests of %s stick to one endpoint", user).hasSize(1);
    }
  }

  @Test
  void aShorterTimeoutAppliesToTheNextRequests() throws Exception {
    try (MockWebServer slow = new MockWebServer()) {
      slow.setDispatcher(new mockwebserver3.Dispatcher() {
        @Override
        public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
          return new MockResponse.Builder().code(200).body("slow").headersDelay(300, TimeUnit.MILLISECONDS).build();
        }
      });
      slow.start(InetAddress.getByName("127.0.0.1"), 0);
      String orders = "mesh.services.orders.endpoints=127.0.0.1:" + slow.getPort();
      start(config(orders, "mesh.services.orders.timeout=5s"));
      assertThat(get("http://orders/")).isEqualTo("slow");

      file.write(config(orders, "mesh.services.orders.timeout=50ms"));
      await().atMost(SEEN).until(() -> mesh.configStatus().version() == 2);

      assertThatThrownBy(() -> get("http://orders/"))
          .isInstanceOf(MeshTimeoutException.class)
          .hasMessageContaining("timed out after 50ms");
    }
  }

  @Test
  void aServiceAddedByAnEditIsRoutedAndARemovedOneFailsClosedWithoutDns() throws IOException {
    start(config("mesh.services.orders.endpoints=" + endpoint(0)));
    assertThat(get("http://orders/")).isEqualTo(port(0));

    file.write(config("mesh.services.payments.endpoints=" + endpoint(1)));
    await().atMost(SEEN).until(() -> mesh.configStatus().version() == 2);

    assertThat(get("http://payments/")).isEqualTo(port(1));
    assertThatThrownBy(() -> get("http://orders/"))
        .isInstanceOf(ServiceRemovedException.class)
        .hasMessageContaining("'orders'")
        .hasMessageContaining("removed from the mesh configuration");
    assertThat(dnsLookups).as("a removed service is never looked up in DNS").doesNotContain("orders");
    // a host that never was a service still passes through as before
    assertThat(get("http://" + endpoint(2) + "/")).isEqualTo(port(2));
  }

  @Test
  void aServiceAddedBackAfterItsRemovalIsRoutedAgain() throws IOException {
    start(config("mesh.services.orders.endpoints=" + endpoint(0)));
    file.write(config("mesh.services.payments.endpoints=" + endpoint(1)));
    await().atMost(SEEN).until(() -> mesh.configStatus().version() == 2);
    assertThatThrownBy(() -> get("http://orders/")).isInstanceOf(ServiceRemovedException.class);

    file.write(config("mesh.services.orders.endpoints=" + endpoint(2)));
    await().atMost(SEEN).until(() -> mesh.configStatus().version() == 3);

    assertThat(get("http://orders/")).isEqualTo(port(2));
  }

  @Test
  void anEditWithOneBadKeyIsRejectedWholeAndTheLastGoodConfigKeepsServing() throws IOException {
    start(config("mesh.services.orders.endpoints=" + endpoint(0), "mesh.services.orders.lb=round-robin"));
    List<ConfigRejected> rejections = new CopyOnWriteArrayList<>();
    mesh.events().subscribe(ConfigRejected.class, rejections::add);

    file.write(config(
        "mesh.services.orders.endpoints=" + endpoint(0) + "," + endpoint(1), // valid
        "mesh.services.orders.timeout=3s", // valid
        "mesh.services.orders.lb=fastest")); // invalid

    await().atMost(SEEN).until(() -> mesh.configStatus().lastRejection().isPresent());
    ConfigProblem problem = mesh.configStatus().lastRejection().get().problems().get(0);
    assertThat(problem.key()).isEqualTo("mesh.services.orders.lb");
    assertThat(problem.location()).isEqualTo("mesh.properties:5");
    assertThat(problem.message()).contains("unknown load-balancing policy 'fastest'");
    assertThat(mesh.configStatus().version()).isEqualTo(1);
    assertThat(mesh.config().services().get("orders").get(ServiceKeys.TIMEOUT)).isNull();
    assertThat(answersOf(10)).containsExactly(port(0));
    assertThat(rejections).as("one rejection per bad content, not one per poll").hasSize(1);

    file.write(config("mesh.services.orders.endpoints=" + endpoint(0) + "," + endpoint(1),
        "mesh.services.orders.lb=round-robin"));
    await().atMost(SEEN).until(() -> mesh.configStatus().version() == 2);
    assertThat(mesh.configStatus().lastRejection()).isEmpty();
    assertThat(answersOf(4)).contains(port(1));
  }

  @Test
  void aDeletedFileKeepsTheLastGoodConfigUntilItIsBack() throws IOException {
    start(config("mesh.services.orders.endpoints=" + endpoint(0)));

    file.delete();

    await().atMost(SEEN).until(() -> mesh.configStatus().lastRejection().isPresent());
    assertThat(mesh.configStatus().lastRejection().get().problems().get(0).message()).contains("no such file");
    assertThat(get("http://orders/")).isEqualTo(port(0));

    file.write(config("mesh.services.orders.endpoints=" + endpoint(1)));
    await().atMost(SEEN).until(() -> mesh.configStatus().version() == 2);
    assertThat(get("http://orders/")).isEqualTo(port(1));
  }

  @Test
  void anEmptyFileIsRejected() throws IOException {
    start(config("mesh.services.orders.endpoints=" + endpoint(0)));

    file.rewriteInPlace("");

    await().atMost(SEEN).until(() -> mesh.configStatus().lastRejection().isPresent());
    assertThat(mesh.configStatus().lastRejection().get().problems())
        .extracting(ConfigProblem::key)
        .contains("mesh.service");
    assertThat(get("http://orders/")).isEqualTo(port(0));
  }

  @Test
  void twoRapidEditsEndWithTheLastOne() throws IOException {
    start(config("mesh.services.orders.endpoints=" + endpoint(0)));

    file.write(config("mesh.services.orders.endpoints=" + endpoint(1)));
    file.write(config("mesh.services.orders.endpoints=" + endpoint(2)));

    await().atMost(SEEN).until(() -> answersOf(1).equals(Set.of(port(2))));
    assertThat(answersOf(10)).containsExactly(port(2));
  }

  @Test
  void anInPlaceRewriteIsSeenLikeAnAtomicRename() throws IOException {
    start(config("mesh.services.orders.endpoints=" + endpoint(0)));

    file.rewriteInPlace(config("mesh.services.orders.endpoints=" + endpoint(1)));
    await().atMost(SEEN).until(() -> answersOf(1).equals(Set.of(port(1))));

    file.write(config("mesh.services.orders.endpoints=" + endpoint(2)));
    await().atMost(SEEN).until(() -> answersOf(1).equals(Set.of(port(2))));
  }

  @Test
  void keysThatNeedARestartKeepTheirRunningValueWhileTheRestApplies() throws IOException {
    start(config("mesh.services.orders.endpoints=" + endpoint(0)));
    List<ConfigNeedsRestart> restarts = new CopyOnWriteArrayList<>();
    mesh.events().subscribe(ConfigNeedsRestart.class, restarts::add);

    file.write("mesh.service=frontend", "mesh.config.watch-interval=30ms", "mesh.trust-domain=example.org",
        "mesh.config.watch=true", // its default: not a change
        "mesh.services.orders.endpoints=" + endpoint(1));

    await().atMost(SEEN).until(() -> mesh.configStatus().version() == 2);
    assertThat(get("http://orders/")).isEqualTo(port(1));
    assertThat(mesh.config().trustDomain()).isEqualTo("mesh.local");
    assertThat(mesh.configStatus().restartRequired()).containsExactly("mesh.config.watch-interval", "mesh.trust-domain");
    assertThat(restarts).hasSize(1);
    assertThat(restarts.get(0).keys()).containsExactly("mesh.config.watch-interval", "mesh.trust-domain");
  }

  @Test
  void environmentOverridesStillWinAfterAReload() throws IOException {
    start(Map.of("MESH_SERVICES_ORDERS_TIMEOUT", "7s"),
        config("mesh.services.orders.endpoints=" + endpoint(0), "mesh.services.orders.timeout=1s"));
    assertThat(mesh.config().services().get("orders").get(ServiceKeys.TIMEOUT)).isEqualTo(Duration.ofSeconds(7));

    file.write(config("mesh.services.orders.endpoints=" + endpoint(1), "mesh.services.orders.timeout=2s"));
    await().atMost(SEEN).until(() -> mesh.configStatus().version() == 2);

    assertThat(mesh.config().services().get("orders").get(ServiceKeys.TIMEOUT)).isEqualTo(Duration.ofSeconds(7));
    assertThat(get("http://orders/")).isEqualTo(port(1));
  }

  @Test
  void requestsUnderWayWhenTheirServiceIsRemovedFinish() throws Exception {
    try (MockWebServer slow = new MockWebServer()) {
      slow.setDispatcher(new mockwebserver3.Dispatcher() {
        @Override
        public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
          return new MockResponse.Builder().code(200).body("done").headersDelay(400, TimeUnit.MILLISECONDS).build();
        }
      });
      slow.start(InetAddress.getByName("127.0.0.1"), 0);
      start(config("mesh.services.orders.endpoints=127.0.0.1:" + slow.getPort(),
          "mesh.services.payments.endpoints=" + endpoint(0)));
      List<CompletableFuture<String>> inFlight = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        CompletableFuture<String> f = new CompletableFuture<>();
        http.newCall(new Request.Builder().url("http://orders/").build()).enqueue(new Callback() {
          @Override
          public void onFailure(Call call, IOException e) {
            f.completeExceptionally(e);
          }

          @Override
          public void onResponse(Call call, Response response) throws IOException {
            try (response) {
              f.complete(response.body().string());
            }
          }
        });
        inFlight.add(f);
      }
      await().atMost(SEEN).until(() -> slow.getRequestCount() == 4);

      file.write(config("mesh.services.payments.endpoints=" + endpoint(0)));
      await().atMost(SEEN).until(() -> mesh.configStatus().version() == 2);

      assertThatThrownBy(() -> get("http://orders/")).isInstanceOf(ServiceRemovedException.class);
      for (CompletableFuture<String> f : inFlight) {
        assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("done");
      }
    }
  }

  @Test
  void withTheWatchOffEditsWaitForReload() throws IOException {
    start(config("mesh.config.watch=false", "mesh.services.orders.endpoints=" + endpoint(0)));
    assertThat(meshThreadNames()).noneMatch(n -> n.startsWith("mesh4j-config-watch"));

    file.write(config("mesh.config.watch=false", "mesh.services.orders.endpoints=" + endpoint(1)));
    assertThat(get("http://orders/")).isEqualTo(port(0));

    ConfigDiff diff = mesh.reload();

    assertThat(diff.servicesUpdated()).containsOnlyKeys("orders");
    assertThat(diff.servicesUpdated().get("orders")).containsExactly("endpoints");
    assertThat(get("http://orders/")).isEqualTo(port(1));
  }

  @Test
  void anInvalidReloadThrowsWithEveryProblemAndAppliesNothing() throws IOException {
    start(config("mesh.config.watch=false", "mesh.services.orders.endpoints=" + endpoint(0)));
    file.write(config("mesh.config.watch=false", "mesh.services.orders.endpoints=" + endpoint(1),
        "mesh.services.orders.timout=2s", "mesh.services.orders.retry.max-attempts=3"));

    assertThatThrownBy(() -> mesh.reload())
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.services.orders.timout=2s (mesh.properties:5): unknown key, did you mean 'mesh.services.orders.timeout'?")
        .hasMessageContaining("requires module mesh-resilience");
    assertThat(get("http://orders/")).isEqualTo(port(0));
    assertThat(mesh.configStatus().lastRejection().get().problems()).hasSize(2);
  }

  @Test
  void outcomesArePublishedAsEvents() throws IOException {
    start(config("mesh.config.watch=false", "mesh.services.orders.endpoints=" + endpoint(0)));
    List<Object> events = new CopyOnWriteArrayList<>();
    mesh.events().subscribe(events::add);

    file.write(config("mesh.config.watch=false", "mesh.services.payments.endpoints=" + endpoint(1)));
    mesh.reload();

    assertThat(events).anySatisfy(e -> assertThat(e).isEqualTo(new ServiceRemoved("orders")));
    ConfigApplied applied = events.stream().filter(ConfigApplied.class::isInstance).map(ConfigApplied.class::cast)
        .findFirst().orElseThrow();
    assertThat(applied.version()).isEqualTo(2);
    assertThat(applied.diff().servicesAdded()).containsExactly("payments");
    assertThat(applied.diff().servicesRemoved()).containsExactly("orders");
  }

  @Test
  void aReloadRacingCloseLeavesNothingRunning() throws Exception {
    start(config("mesh.services.orders.endpoints=" + endpoint(0)));
    List<Throwable> unexpected = new CopyOnWriteArrayList<>();
    Thread editor = new Thread(() -> {
      for (int i = 0; i < 200; i++) {
        try {
          file.write(config("mesh.services.orders.endpoints=" + endpoint(i % 3)));
          mesh.reload();
        } catch (IllegalStateException closed) {
          return;
        } catch (Throwable t) {
          unexpected.add(t);
          return;
        }
      }
    });
    editor.start();
    await().atMost(SEEN).until(() -> mesh.configStatus().version() > 3);

    mesh.close();
    editor.join(TimeUnit.SECONDS.toMillis(10));

    assertThat(unexpected).isEmpty();
    await().atMost(SEEN).until(() -> meshThreadNames().isEmpty());
  }

  private static List<String> meshThreadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("mesh4j-"))
        .collect(Collectors.toList());
  }
}
