package io.mesh4j.discovery.kubernetes;

import static io.mesh4j.discovery.kubernetes.MockApiServer.endpoint;
import static io.mesh4j.discovery.kubernetes.MockApiServer.port;
import static io.mesh4j.discovery.kubernetes.MockApiServer.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.NoHealthyEndpointException;
import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.EndpointHealth;
import io.mesh4j.discovery.Locality;
import io.mesh4j.testing.LeakCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes discovery end to end: Services and EndpointSlices in fabric8's mock API server (CRUD
 * mode; no cluster can run here) point at real HTTP servers on 127.0.0.1, and requests go through
 * a real MeshClient. Each test works in a namespace of its own on one shared API server.
 */
class KubernetesDiscoveryTest {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static MockApiServer api;

  @TempDir Path dir;

  private String ns;
  private Path kubeconfig;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private LeakCheck leaks;

  @BeforeAll
  static void startApiServer() {
    api = new MockApiServer();
  }

  @AfterAll
  static void stopApiServer() {
    api.close();
  }

  @BeforeEach
  void namespace() throws IOException {
    ns = "test-" + NAMESPACES.incrementAndGet();
    kubeconfig = api.kubeconfig(dir, ns);
    leaks = LeakCheck.snapshot();
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = closeAfter.size() - 1; i >= 0; i--) {
      closeAfter.get(i).close();
    }
    leaks.assertNoNewMeshThreads();
  }

  @Test
  void requestsThroughTheMeshReachTheBackendsOfTheServicesEndpointSlices() throws Exception {
    api.createService(ns, "orders", "http:80:8080");
    List<HttpBackend> backends = List.of(backend("orders-1"), backend("orders-2"), backend("orders-3"));
    for (HttpBackend b : backends) {
      putReady(b);
    }
    MeshClient mesh = mesh(Map.of("mesh.services.orders.lb", "round-robin"));
    OkHttpClient http = mesh.wrap(new OkHttpClient());

    for (int i = 0; i < 90; i++) {
      assertThat(get(http, "orders")).startsWith("orders-");
    }

    assertThat(backends).allSatisfy(b -> assertThat(b.served()).isEqualTo(30));
  }

  @Test
  void slicesAddedDrainedDeletedAndNotReadyUnderLoadFailNoRequest() throws Exception {
    api.createService(ns, "orders", "http:80:8080");
    HttpBackend b1 = backend("orders-1");
    HttpBackend b2 = backend("orders-2");
    HttpBackend b3 = backend("orders-3");
    putReady(b1);
    putReady(b2);
    MeshClient mesh = mesh(Map.of("mesh.services.orders.lb", "round-robin"));
    OkHttpClient http = mesh.wrap(new OkHttpClient());
    awaitEligible(mesh, b1, b2);

    try (Load load = new Load(http, "orders", 4)) {
      awaitServed(b1, 20);
      awaitServed(b2, 20);

      putReady(b3); // scale up
      awaitEligible(mesh, b1, b2, b3);
      awaitServed(b3, b3.served() + 50);

      put(b1, endpoint("127.0.0.1", b1.name) // the pod terminates: it drains
          .withNewConditions().withReady(false).withServing(true).withTerminating(true).endConditions());
      awaitEligible(mesh, b2, b3);
      assertThat(status(mesh).discovered())
          .contains(at(b1).health(EndpointHealth.DRAINING).metadata("pod", b1.name).build());
      int b1Served = b1.served();
      awaitServed(b3, b3.served() + 50);
      assertThat(b1.served() - b1Served).as("at most the requests in flight when it drained").isLessThanOrEqualTo(4);

      api.deleteSlice(ns, b1.name); // and is gone
      await().untilAsserted(() -> assertThat(status(mesh).discovered()).extracting(Endpoint::port)
          .containsExactlyInAnyOrder(b2.port(), b3.port()));

      put(b2, endpoint("127.0.0.1", b2.name) // its readiness probe fails
          .withNewConditions().withReady(false).withServing(false).withTerminating(false).endConditions());
      awaitEligible(mesh, b3);
      int b2Served = b2.served();
      awaitServed(b3, b3.served() + 50);
      assertThat(b2.served() - b2Served).isLessThanOrEqualTo(4);

      putReady(b2); // and passes again
      awaitEligible(mesh, b2, b3);
      awaitServed(b2, b2.served() + 50);

      load.stop();
      assertThat(load.failures).isEmpty();
      assertThat(b1.served() + b2.served() + b3.served()).as("counted at the backends").isEqualTo(load.succeeded.get());
    }
  }

  @Test
  void conditionsZonesAndPodsBecomeHealthLocalityAndMetadata() throws Exception {
    api.createService(ns, "orders", "http:80:8080");
    HttpBackend b1 = backend("orders-1");
    HttpBackend b2 = backend("orders-2");
    HttpBackend b3 = backend("orders-3");
    put(b1, endpoint("127.0.0.1", "orders-1").withZone("zone-a").withNodeName("node-1")
        .withNewHints().addNewForZone("zone-a").endHints());
    put(b2, endpoint("127.0.0.1", "orders-2").withZone("zone-b")
        .withNewConditions().withReady(false).withServing(true).withTerminating(true).endConditions());
    put(b3, endpoint("127.0.0.1", "orders-3").withZone("zone-a")
        .withNewConditions().withReady(false).withServing(false).withTerminating(false).endConditions());
    MeshClient mesh = mesh(Map.of());
    OkHttpClient http = mesh.wrap(new OkHttpClient());

    await().untilAsserted(() -> assertThat(status(mesh).discovered()).containsExactlyInAnyOrder(
        at(b1).locality(Locality.zone("zone-a"))
            .metadata("pod", "orders-1").metadata("node", "node-1").metadata("zone-hints", "zone-a").build(),
        at(b2).locality(Locality.zone("zone-b")).health(EndpointHealth.DRAINING).metadata("pod", "orders-2").build(),
        at(b3).locality(Locality.zone("zone-a")).health(EndpointHealth.UNHEALTHY).metadata("pod", "orders-3").build()));
    assertThat(status(mesh).eligible()).extracting(Endpoint::port).containsExactly(b1.port());

    for (int i = 0; i < 20; i++) {
      assertThat(get(http, "orders")).isEqualTo("orders-1");
    }
  }

  @Test
  void aPortIsChosenByNameOrByTheServicesPortNumberInEverySlice() throws Exception {
    api.createService(ns, "orders", "http:80:8080", "metrics:9090:9090");
    HttpBackend web = backend("web");
    HttpBackend metrics = backend("metrics");
    api.putSlice(ns, "orders-a", "orders", List.of(port("metrics", metrics.port()), port("http", web.port())),
        List.of(ready("127.0.0.1", "orders-a")));
    MeshClient mesh = mesh(Map.of(
        "mesh.services.orders.kubernetes.port", "http",
        "mesh.services.orders-by-number.discovery", "kubernetes",
        "mesh.services.orders-by-number.kubernetes.service", "orders",
        "mesh.services.orders-by-number.kubernetes.port", "80",
        "mesh.services.orders-metrics.discovery", "kubernetes",
        "mesh.services.orders-metrics.kubernetes.service", "orders",
        "mesh.services.orders-metrics.kubernetes.port", "metrics"));
    OkHttpClient http = mesh.wrap(new OkHttpClient());

    assertThat(get(http, "orders")).isEqualTo("web");
    assertThat(get(http, "orders-by-number")).isEqualTo("web");
    assertThat(get(http, "orders-metrics")).isEqualTo("metrics");
  }

  @Test
  void aServiceWithSeveralPortsNeedsThePortKeyAndTheErrorSaysSo() throws Exception {
    api.createService(ns, "orders", "http:80:8080", "metrics:9090:9090");
    HttpBackend web = backend("web");
    api.putSlice(ns, "orders-a", "orders", List.of(port("http", web.port()), port("metrics", 9)),
        List.of(ready("127.0.0.1", "orders-a")));
    MeshClient mesh = mesh(Map.of());
    OkHttpClient http = mesh.wrap(new OkHttpClient());

    await().untilAsserted(() -> assertThat(status(mesh).lastError()).isNotNull());
    assertThat(status(mesh).lastError().getMessage()).isEqualTo(
        "mesh.services.orders.kubernetes.port is not set and Service " + ns + "/orders has several ports"
            + " (http 80, metrics 9090): set it to the name or number of the one to call");
    assertThatThrownBy(() -> get(http, "orders"))
        .isInstanceOf(NoHealthyEndpointException.class)
        .hasMessageContaining("mesh.services.orders.kubernetes.port is not set");
  }

  @Test
  void aDeletedServiceEmptiesTheMeshServiceAtOnceWithoutTheEmptyGrace() throws Exception {
    api.createService(ns, "orders", "http:80:8080");
    HttpBackend b1 = backend("orders-1");
    putReady(b1);
    MeshClient mesh = mesh(Map.of("mesh.services.orders.discovery.empty-grace", "1m"));
    OkHttpClient http = mesh.wrap(new OkHttpClient());
    assertThat(get(http, "orders")).isEqualTo("orders-1");

    // the slices are garbage-collected a moment later in a cluster; the Service's deletion is enough
    api.deleteService(ns, "orders");

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(status(mesh).discovered()).isEmpty());
    assertThat(status(mesh).lastError()).isNull();
    assertThatThrownBy(() -> get(http, "orders")).isInstanceOf(NoHealthyEndpointException.class);
  }

  @Test
  void slicesGoneFromAServiceThatStillExistsAreHeldBackForTheEmptyGrace() throws Exception {
    api.createService(ns, "orders", "http:80:8080");
    HttpBackend b1 = backend("orders-1");
    putReady(b1);
    MeshClient mesh = mesh(Map.of("mesh.services.orders.discovery.empty-grace", "3s"));
    OkHttpClient http = mesh.wrap(new OkHttpClient());
    awaitEligible(mesh, b1);

    api.deleteSlice(ns, b1.name);

    // not sure (a controller rewriting its slices, an API server glitch): the last endpoints keep serving...
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(get(http, "orders")).isEqualTo("orders-1"));
    // ... until the grace ends
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status(mesh).discovered()).isEmpty());
  }

  @Test
  void aServiceThatDoesNotExistIsAnErrorNamingItAndItsKeys() throws Exception {
    MeshClient mesh = mesh(Map.of("mesh.services.orders.kubernetes.service", "ordres"));
    OkHttpClient http = mesh.wrap(new OkHttpClient());

    await().untilAsserted(() -> assertThat(status(mesh).lastError()).isNotNull());
    assertThat(status(mesh).lastError().getMessage())
        .isEqualTo("Kubernetes Service " + ns + "/ordres does not exist (API server " + api.url()
            + "/; mesh.services.orders.kubernetes.service and .namespace)");
    assertThatThrownBy(() -> get(http, "orders")).hasMessageContaining(ns + "/ordres does not exist");

    // created later: found without a restart
    api.createService(ns, "ordres", "http:80:8080");
    HttpBackend b1 = backend("orders-1");
    api.putSlice(ns, "ordres-1", "ordres", List.of(port("http", b1.port())), List.of(ready("127.0.0.1", "p")));
    await().ignoreExceptions().untilAsserted(() -> assertThat(get(http, "orders")).isEqualTo("orders-1"));
    assertThat(status(mesh).lastError()).isNull();
  }

  @Test
  void theServicesOfANamespaceShareOneInformerAndEachNamespaceHasItsOwn() throws Exception {
    String other = ns + "-other";
    for (String namespace : List.of(ns, other)) {
      api.createService(namespace, "orders", "http:80:8080");
      api.createService(namespace, "payments", "http:80:8080");
      api.putSlice(namespace, "orders-1", "orders", List.of(port("http", 18081)), List.of(ready("127.0.0.1", "o")));
      api.putSlice(namespace, "payments-1", "payments", List.of(port("http", 18082)), List.of(ready("127.0.0.1", "p")));
    }
    api.takeRequestPaths();
    MeshClient mesh = mesh(Map.of(
        "mesh.services.payments.discovery", "kubernetes",
        "mesh.services.orders-other.discovery", "kubernetes",
        "mesh.services.orders-other.kubernetes.service", "orders",
        "mesh.services.orders-other.kubernetes.namespace", other,
        "mesh.services.payments-other.discovery", "kubernetes",
        "mesh.services.payments-other.kubernetes.service", "payments",
        "mesh.services.payments-other.kubernetes.namespace", other));
    for (String service : List.of("orders", "payments", "orders-other", "payments-other")) {
      await().untilAsserted(() -> assertThat(mesh.discoveryStatus(service).orElseThrow().discovered()).hasSize(1));
    }

    List<String> paths = api.takeRequestPaths();
    for (String namespace : List.of(ns, other)) {
      String slices = "/apis/discovery.k8s.io/v1/namespaces/" + namespace + "/endpointslices?";
      String services = "/api/v1/namespaces/" + namespace + "/services?";
      assertThat(paths.stream().filter(p -> p.startsWith(slices) && p.contains("watch=true")))
          .as("one watch of %s's EndpointSlices, selected by label", namespace)
          .singleElement().asString().contains("labelSelector=kubernetes.io%2Fservice-name");
      assertThat(paths.stream().filter(p -> p.startsWith(services) && p.contains("watch=true"))).hasSize(1);
    }
  }

  @Test
  void theNamespaceDefaultsToThePodsOwnThenToTheKubeconfigContexts() throws Exception {
    // the kubeconfig's context says ns; the pod's service account says another
    String podNamespace = ns + "-pod";
    api.createService(podNamespace, "orders", "http:80:8080");
    HttpBackend inPodNamespace = backend("in-pod-namespace");
    api.putSlice(podNamespace, "orders-1", "orders", List.of(port("http", inPodNamespace.port())),
        List.of(ready("127.0.0.1", "p")));
    api.createService(ns, "orders", "http:80:8080");
    HttpBackend inContextNamespace = backend("in-context-namespace");
    api.putSlice(ns, "orders-1", "orders", List.of(port("http", inContextNamespace.port())),
        List.of(ready("127.0.0.1", "p")));
    Path podFile = Files.writeString(dir.resolve("namespace"), podNamespace + "\n", StandardCharsets.UTF_8);

    MeshClient inPod = mesh(Map.of(), new KubernetesDiscoveryProvider(podFile));
    assertThat(get(inPod.wrap(new OkHttpClient()), "orders")).isEqualTo("in-pod-namespace");

    MeshClient outside = mesh(Map.of(), new KubernetesDiscoveryProvider(dir.resolve("no-such-file")));
    assertThat(get(outside.wrap(new OkHttpClient()), "orders")).isEqualTo("in-context-namespace");
  }

  // --- helpers

  private MeshClient mesh(Map<String, String> properties) {
    return mesh(properties, null);
  }

  private MeshClient mesh(Map<String, String> properties, KubernetesDiscoveryProvider provider) {
    MeshClient.Builder b = MeshClient.builder()
        .service("frontend")
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.discovery.kubernetes.kubeconfig", kubeconfig.toString())
        .property("mesh.services.orders.discovery", "kubernetes");
    if (provider != null) {
      b.discoveryProvider(provider);
    }
    properties.forEach(b::property);
    MeshClient mesh = b.build();
    closeAfter.add(mesh);
    return mesh;
  }

  private HttpBackend backend(String name) throws IOException {
    HttpBackend b = new HttpBackend(name);
    closeAfter.add(b);
    return b;
  }

  /** One slice per backend, named after it: its port is the backend's. */
  private void putReady(HttpBackend b) {
    put(b, endpoint("127.0.0.1", b.name));
  }

  private void put(HttpBackend b, io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder endpoint) {
    api.putSlice(ns, b.name, "orders", List.of(port("http", b.port())), List.of(endpoint.build()));
  }

  private static Endpoint.Builder at(HttpBackend b) {
    return Endpoint.builder("127.0.0.1", b.port());
  }

  private static DiscoveryStatus status(MeshClient mesh) {
    return mesh.discoveryStatus("orders").orElseThrow();
  }

  private static void awaitEligible(MeshClient mesh, HttpBackend... backends) {
    List<Integer> ports = java.util.Arrays.stream(backends).map(HttpBackend::port).toList();
    await().untilAsserted(() -> assertThat(status(mesh).eligible()).extracting(Endpoint::port)
        .containsExactlyInAnyOrderElementsOf(ports));
  }

  private static void awaitServed(HttpBackend b, int atLeast) {
    await().atMost(Duration.ofSeconds(10)).until(() -> b.served() >= atLeast);
  }

  private static String get(OkHttpClient http, String service) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url("http://" + service + "/").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      return r.body().string();
    }
  }
}
