package io.mesh4j.discovery.kubernetes;

import static io.mesh4j.discovery.kubernetes.MockApiServer.port;
import static io.mesh4j.discovery.kubernetes.MockApiServer.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.mesh4j.MeshClient;
import io.mesh4j.NoHealthyEndpointException;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.testing.LeakCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What goes wrong: the API server goes away (and comes back), is not there at startup, the
 * configuration is wrong, the slices are malformed; and nothing is left running after close.
 * Each test has an API server of its own (fabric8's CRUD mock: no cluster can run here).
 */
class KubernetesDiscoveryFailureTest {

  private static final String NS = "default";

  @TempDir Path dir;

  private MockApiServer api;
  private LeakCheck leaks;

  @BeforeEach
  void start() {
    leaks = LeakCheck.snapshot();
    api = new MockApiServer();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void anApiServerThatGoesAwayIsAnErrorNamingItWhileTheLastEndpointsKeepServingAndTheWatchResumes() throws Exception {
    api.createService(NS, "orders", "http:80:8080");
    try (HttpBackend b1 = new HttpBackend("orders-1");
        HttpBackend b2 = new HttpBackend("orders-2");
        HttpBackend b3 = new HttpBackend("orders-3");
        MeshClient mesh = mesh(api.kubeconfig(dir, NS), Map.of())) {
      putReady(b1);
      putReady(b2);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      await().untilAsserted(() -> assertThat(status(mesh).eligible()).hasSize(2));

      try (Load load = new Load(http, "orders", 4)) {
        api.stop();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(status(mesh).lastError()).isNotNull());
        assertThat(status(mesh).lastError().getMessage())
            .startsWith("Kubernetes API server " + api.url() + "/")
            .contains("namespace 'default'");
        assertThat(status(mesh).discovered()).extracting(Endpoint::port).containsExactlyInAnyOrder(b1.port(), b2.port());
        int before = load.succeeded.get();
        await().until(() -> load.succeeded.get() > before + 100); // the last endpoints keep serving

        api.restart();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status(mesh).lastError()).isNull());
        putReady(b3); // the watch resumed: a change is seen again
        await().untilAsserted(() -> assertThat(status(mesh).eligible()).hasSize(3));
        await().until(() -> b3.served() > 20);

        load.stop();
        assertThat(load.failures).isEmpty();
        assertThat(b1.served() + b2.served() + b3.served()).isEqualTo(load.succeeded.get());
      }
    }
    leaks.assertNoNewMeshThreads();
  }

  @Test
  void anApiServerUnreachableAtStartupIsAnErrorAndStartupDoesNotWaitForIt() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Path kubeconfig = MockApiServer.writeKubeconfig(dir, "http://127.0.0.1:" + closed, NS);

    long start = System.nanoTime();
    MeshClient mesh = mesh(kubeconfig, Map.of("mesh.services.orders.discovery.initial-wait", "5s"));
    try {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

      await().untilAsserted(() -> assertThat(status(mesh).lastError()).isNotNull());
      assertThat(status(mesh).lastError().getMessage())
          .startsWith("Kubernetes API server http://127.0.0.1:" + closed + "/ (kubeconfig " + kubeconfig)
          .contains("cannot list and watch", "namespace 'default'");
      assertThatThrownBy(() -> get(mesh.wrap(new OkHttpClient()), "orders"))
          .isInstanceOf(NoHealthyEndpointException.class)
          .hasMessageContaining("discovery failed: Kubernetes API server http://127.0.0.1:" + closed);
    } finally {
      mesh.close();
    }
    leaks.assertNoNewMeshThreads();
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("mesh.services.orders.kubernetes.port", "HTTP", "neither a port number nor a port name"),
        Arguments.of("mesh.services.orders.kubernetes.port", "0", "port 0 is out of range 1..65535"),
        Arguments.of("mesh.services.orders.kubernetes.namespace", "Team_A", "'Team_A' is not a valid Kubernetes namespace name"),
        Arguments.of("mesh.services.orders.kubernetes.service", "9orders", "'9orders' is not a valid Kubernetes Service name"),
        Arguments.of("mesh.discovery.kubernetes.kubeconfig", "/no/such/kubeconfig", "no such file: /no/such/kubeconfig"),
        Arguments.of("mesh.discovery.kubernetes.coalesce", "1h", "too long duration"),
        Arguments.of("mesh.discovery.kubernetes.context", "", "empty value"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badValues")
  void aBadKeyValueFailsAtStartupNamingTheKeyAndWhatIsWrong(String key, String value, String reason) throws Exception {
    Path kubeconfig = api.kubeconfig(dir, NS);
    assertThatThrownBy(() -> mesh(kubeconfig, Map.of(key, value)))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(reason);
    leaks.assertNoNewMeshThreads();
  }

  @Test
  void aMeshNameThatCannotNameAServiceNeedsTheServiceKey() throws Exception {
    Path kubeconfig = api.kubeconfig(dir, NS);
    assertThatThrownBy(() -> mesh(kubeconfig, Map.of("mesh.services.9orders.discovery", "kubernetes")))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.services.9orders.kubernetes.service")
        .hasMessageContaining("the service name '9orders' is not a valid Kubernetes Service name");
  }

  @Test
  void aKubeconfigContextThatDoesNotExistIsAnErrorListingTheContexts() throws Exception {
    Path kubeconfig = api.kubeconfig(dir, NS);
    try (MeshClient mesh = mesh(kubeconfig, Map.of("mesh.discovery.kubernetes.context", "prod"))) {
      await().untilAsserted(() -> assertThat(status(mesh).lastError()).isNotNull());
      assertThat(status(mesh).lastError().getMessage()).isEqualTo("cannot configure the Kubernetes client:"
          + " IllegalStateException mesh.discovery.kubernetes.context=prod: no such context in"
          + " mesh.discovery.kubernetes.kubeconfig=" + kubeconfig + " (its contexts: mock)");
    }
  }

  @Test
  void aKubeconfigThatIsNotOneIsAnErrorNamingTheFile() throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "{ not: [yaml", StandardCharsets.UTF_8);
    try (MeshClient mesh = mesh(kubeconfig, Map.of())) {
      await().untilAsserted(() -> assertThat(status(mesh).lastError()).isNotNull());
      assertThat(status(mesh).lastError().getMessage()).startsWith("cannot configure the Kubernetes client:");
    }
  }

  @Test
  void malformedEndpointsAreSkippedWithoutPoisoningTheRestOfTheService() throws Exception {
    api.createService(NS, "orders", "http:80:8080");
    try (HttpBackend b1 = new HttpBackend("orders-1");
        MeshClient mesh = mesh(api.kubeconfig(dir, NS), Map.of())) {
      putReady(b1);
      api.putSlice(NS, "no-address", "orders", List.of(port("http", 18080)),
          List.of(new EndpointBuilder().withAddresses(List.of()).build()));
      api.putSlice(NS, "bad-port", "orders", List.of(port("http", 70000)), List.of(ready("127.0.0.2", "p")));
      api.putSlice(NS, "blank-address", "orders", List.of(port("http", 18080)), List.of(ready(" ", "p")));
      OkHttpClient http = mesh.wrap(new OkHttpClient());

      await().untilAsserted(() -> assertThat(status(mesh).discovered())
          .extracting(Endpoint::port).containsExactly(b1.port()));
      assertThat(status(mesh).lastError()).isNull();
      assertThat(get(http, "orders")).isEqualTo("orders-1");
    }
  }

  @Test
  void nothingOutlivesCloseAndFabric8sOwnThreadsEndSoonAfter() throws Exception {
    api.createService(NS, "orders", "http:80:8080");
    List<String> before = threadNames();
    try (HttpBackend b1 = new HttpBackend("orders-1")) {
      putReady(b1);
      requestThenClose(api.kubeconfig(dir, NS));
      leaks.assertNoNewMeshThreads();
    }
    // not ours, and documented: fabric8's process-wide timer ends itself once it has nothing to
    // do (it checks every 10s); on Java 17 the JDK HttpClient's selector thread ends once the
    // closed client is garbage collected (Java 21's shutdownNow ends it at once)
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      System.gc();
      assertThat(threadNames())
          .filteredOn(n -> !before.contains(n))
          .noneMatch(n -> n.startsWith("CachedSingleThreadScheduler-"))
          .noneMatch(n -> n.startsWith("HttpClient-") && n.endsWith("-SelectorManager"));
    });
  }

  /** In a method of its own, so that nothing of the closed client stays referenced from the test. */
  private void requestThenClose(Path kubeconfig) throws IOException {
    try (MeshClient mesh = mesh(kubeconfig, Map.of())) {
      assertThat(get(mesh.wrap(new OkHttpClient()), "orders")).isEqualTo("orders-1");
    }
  }

  private static List<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).toList();
  }

  // --- helpers

  private MeshClient mesh(Path kubeconfig, Map<String, String> properties) {
    MeshClient.Builder b = MeshClient.builder()
        .service("frontend")
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.discovery.kubernetes.kubeconfig", kubeconfig.toString())
        .property("mesh.services.orders.discovery", "kubernetes");
    properties.forEach(b::property);
    return b.build();
  }

  private void putReady(HttpBackend b) {
    api.putSlice(NS, b.name, "orders", List.of(port("http", b.port())), List.of(ready("127.0.0.1", b.name)));
  }

  private static DiscoveryStatus status(MeshClient mesh) {
    return mesh.discoveryStatus("orders").orElseThrow();
  }

  private static String get(OkHttpClient http, String service) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url("http://" + service + "/").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      return r.body().string();
    }
  }
}
