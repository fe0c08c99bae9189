package io.mesh4j.discovery.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.NoHealthyEndpointException;
import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.event.DiscoveryFailed;
import io.mesh4j.testing.LeakCheck;
import io.mesh4j.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

/** Requests through a real MeshClient to real HTTP servers listed in a real endpoints file. */
class FileDiscoveryEndToEndTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(10);

  @TempDir Path dir;
  private Path file;
  private final HttpBackends backends = new HttpBackends();
  private final Map<String, Endpoint> endpoints = new HashMap<>();
  private MeshClient mesh;
  private OkHttpClient http;

  @BeforeEach
  void startBackends() throws IOException {
    file = dir.resolve("endpoints.json");
    for (String name : List.of("a", "b", "c")) {
      endpoints.put(name, backends.start(name));
    }
  }

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    backends.close();
  }

  private void start(String... extraProperties) throws IOException {
    MeshClient.Builder b = MeshClient.builder().service("frontend").environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.discovery.file.path", file.toString())
        .property("mesh.discovery.file.poll-interval", "20ms")
        .property("mesh.services.orders.discovery", "file")
        .property("mesh.services.orders.lb", "round-robin");
    for (int i = 0; i < extraProperties.length; i += 2) {
      b.property(extraProperties[i], extraProperties[i + 1]);
    }
    mesh = b.build();
    http = mesh.wrap(new OkHttpClient());
  }

  private String call() throws IOException {
    try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
      return r.body().string();
    }
  }

  private List<Endpoint> of(List<String> names) {
    return names.stream().map(endpoints::get).toList();
  }

  private String json(List<String> names) {
    return EndpointsFiles.json(Map.of("orders", of(names)));
  }

  private DiscoveryStatus status() {
    return mesh.discoveryStatus("orders").orElseThrow();
  }

  private void awaitDiscovered(List<String> names) {
    await().atMost(WAIT).pollInterval(POLL).untilAsserted(() ->
        assertThat(status().discovered()).containsExactlyInAnyOrderElementsOf(of(names)));
  }

  private Set<String> answersOf(int requests) throws IOException {
    Set<String> answers = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      answers.add(call());
    }
    return answers;
  }

  @Test
  void zonesInTheFileSteerRequestsToTheClientsZone() throws IOException {
    Endpoint a = endpoints.get("a").toBuilder().locality(io.mesh4j.discovery.Locality.zone("x")).build();
    Endpoint b = endpoints.get("b").toBuilder().locality(io.mesh4j.discovery.Locality.zone("y")).build();
    Endpoint c = endpoints.get("c").toBuilder().locality(io.mesh4j.discovery.Locality.zone("y")).build();
    EndpointsFiles.replaceAtomically(file, EndpointsFiles.json(Map.of("orders", List.of(a, b, c))));
    start("mesh.locality.zone", "x", "mesh.services.orders.lb.zone-aware.min-cluster-size", "1");

    assertThat(answersOf(30)).containsExactly("a");

    // c moves to zone x: the next snapshot of the file carries it to the balancer
    Endpoint cInX = c.toBuilder().locality(io.mesh4j.discovery.Locality.zone("x")).build();
    EndpointsFiles.replaceAtomically(file, EndpointsFiles.json(Map.of("orders", List.of(a, b, cInX))));
    await().atMost(WAIT).pollInterval(POLL).untilAsserted(() -> assertThat(answersOf(10)).containsExactlyInAnyOrder("a", "c"));
    assertThat(backends.served("b")).isZero();
  }

  @Test
  void requestsReachTheEndpointsListedInTheFile() throws IOException {
    EndpointsFiles.replaceAtomically(file, json(List.of("a", "b")));
    start();

    assertThat(answersOf(10)).containsExactlyInAnyOrder("a", "b");
    assertThat(status().lastError()).isNull();
  }

  @Test
  void concurrentRewritesWhileFourThreadsSendRequestsFailNoRequestAndTheBackendsFollowTheFile() throws Exception {
    LeakCheck leaks = LeakCheck.snapshot();
    EndpointsFiles.replaceAtomically(file, json(List.of("a", "b")));
    start();
    List<DiscoveryFailed> discoveryFailures = new CopyOnWriteArrayList<>();
    mesh.events().subscribe(DiscoveryFailed.class, discoveryFailures::add);
    awaitDiscovered(List.of("a", "b"));

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger succeeded = new AtomicInteger();
    List<Throwable> failed = new CopyOnWriteArrayList<>();
    ExecutorService senders = Executors.newFixedThreadPool(4);
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      running.add(senders.submit(() -> {
        while (!stop.get()) {
          try {
            call();
            succeeded.incrementAndGet();
          } catch (IOException | RuntimeException e) {
            failed.add(e);
          }
        }
      }));
    }

    List<List<String>> targets = List.of(List.of("b", "c"), List.of("c"), List.of("a", "c"), List.of("a"),
        List.of("a", "b", "c"), List.of("b"), List.of("a", "b"), List.of("c"));
    List<List<String>> anyNonEmpty = List.of(List.of("a"), List.of("b"), List.of("c"), List.of("a", "b"),
        List.of("b", "c"), List.of("a", "c"), List.of("a", "b", "c"));
    Random random = new Random(11);
    int rewrites = 0;
    try {
      for (List<String> target : targets) {
        // many rewrites in a row, atomic and in place, each one replaced before it could hold still...
        for (int i = 0; i < 5; i++) {
          write(json(anyNonEmpty.get(random.nextInt(anyNonEmpty.size()))), rewrites++);
        }
        // ...then the one that stays
        write(json(target), rewrites++);
        awaitDiscovered(target);
        followsTheFile(target);
      }
    } finally {
      stop.set(true);
      for (Future<?> f : running) {
        f.get(10, TimeUnit.SECONDS);
      }
      senders.shutdown();
    }

    assertThat(failed).as("requests failed while the file changed").isEmpty();
    assertThat(succeeded.get()).isGreaterThan(targets.size() * 10);
    assertThat(discoveryFailures).as("a rewrite under way is never reported as a broken file").isEmpty();
    mesh.close();
    leaks.assertNoNewMeshThreads();
  }

  private void write(String content, int n) throws IOException {
    if (n % 2 == 0) {
      EndpointsFiles.replaceAtomically(file, content);
    } else {
      EndpointsFiles.rewriteInPlace(file, content);
    }
  }

  /**
   * Once the mesh has the file's list, traffic goes to those servers only: each gets requests, and
   * a server left out gets at most the requests already under way (one per sending thread).
   */
  private void followsTheFile(List<String> target) {
    Map<String, Integer> atSwitch = backends.servedByName();
    await().atMost(WAIT).pollInterval(POLL)
        .until(() -> target.stream().allMatch(n -> backends.served(n) > atSwitch.get(n)));
    Map<String, Integer> before = backends.servedByName();
    await().atMost(WAIT).pollInterval(POLL)
        .until(() -> target.stream().allMatch(n -> backends.served(n) >= before.get(n) + 10));
    Map<String, Integer> after = backends.servedByName();
    for (String name : List.of("a", "b", "c")) {
      if (!target.contains(name)) {
        assertThat(after.get(name) - before.get(name))
            .as("requests to %s, which the file no longer lists (target %s)", name, target)
            .isLessThanOrEqualTo(4);
      }
    }
  }

  @Test
  void aMalformedRewriteKeepsServingTheLastGoodEndpointsAndLogsItsLineAndColumnOnce() throws IOException {
    EndpointsFiles.replaceAtomically(file, json(List.of("a", "b")));
    start();
    awaitDiscovered(List.of("a", "b"));

    try (LogCapture log = new LogCapture()) {
      EndpointsFiles.rewriteInPlace(file, "{\"services\":{\n"
          + "  \"orders\":[\n"
          + "    {\"host\":\"127.0.0.1\",\"port\":" + endpoints.get("a").port() + "}\n"
          + "    {\"host\":\"127.0.0.1\",\"port\":" + endpoints.get("c").port() + "}\n"
          + "  ]\n"
          + "}}\n");

      await().atMost(WAIT).untilAsserted(() -> assertThat(status().lastError())
          .hasMessageStartingWith("malformed endpoints file " + file + ", line 4, column 5: "));
      assertThat(answersOf(10)).as("the last good endpoints keep serving").containsExactlyInAnyOrder("a", "b");
      assertThat(status().discovered()).containsExactlyInAnyOrderElementsOf(of(List.of("a", "b")));
      // many polls later, still one warning
      await().during(Duration.ofMillis(500)).atMost(WAIT).until(() ->
          log.lines("WARN", "io.mesh4j.discovery.file").size() == 1);
      assertThat(log.lines("WARN", "io.mesh4j.discovery.file").get(0))
          .contains("malformed endpoints file " + file + ", line 4, column 5: Unexpected character")
          .contains("keeping the endpoints it last listed");
    }

    EndpointsFiles.rewriteInPlace(file, json(List.of("c")));

    awaitDiscovered(List.of("c"));
    assertThat(status().lastError()).isNull();
    assertThat(answersOf(5)).containsExactly("c");
  }

  @Test
  void oneBadEndpointRejectsTheWholeRewriteNamingServiceIndexAndField() throws IOException {
    EndpointsFiles.replaceAtomically(file, json(List.of("a", "b")));
    start();
    awaitDiscovered(List.of("a", "b"));

    EndpointsFiles.rewriteInPlace(file, "{\"services\":{\"orders\":[\n"
        + "  {\"host\":\"127.0.0.1\",\"port\":" + endpoints.get("c").port() + "},\n"
        + "  {\"host\":\"127.0.0.1\",\"port\":0}\n"
        + "]}}");

    await().atMost(WAIT).untilAsserted(() -> assertThat(status().lastError()).hasMessage(
        "malformed endpoints file " + file + ", line 3, column 3: "
            + "services.orders[1]: \"port\" must be an integer from 1 to 65535, not 0"));
    assertThat(status().discovered()).as("nothing of the rejected file applied")
        .containsExactlyInAnyOrderElementsOf(of(List.of("a", "b")));
    assertThat(answersOf(10)).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aServiceTheFileStopsListingHasNoEndpointsAtOnceTheFileIsConfiguration() throws IOException {
    EndpointsFiles.replaceAtomically(file, json(List.of("a")));
    start("mesh.services.orders.discovery.empty-grace", "1h");
    assertThat(call()).isEqualTo("a");

    EndpointsFiles.replaceAtomically(file, EndpointsFiles.json(Map.of("payments", of(List.of("b")))));

    // an answer the source is not sure of would be held back for the hour of empty-grace
    await().atMost(WAIT).untilAsserted(() ->
        assertThatThrownBy(this::call).isInstanceOf(NoHealthyEndpointException.class));
    assertThat(status().discovered()).isEmpty();
  }

  @Test
  void aDeletedFileIsAnErrorNamingItsPathWhileTheLastGoodEndpointsKeepServing() throws IOException {
    EndpointsFiles.replaceAtomically(file, json(List.of("a", "b")));
    start();
    awaitDiscovered(List.of("a", "b"));

    Files.delete(file);

    await().atMost(WAIT).untilAsserted(() ->
        assertThat(status().lastError()).hasMessage("cannot read endpoints file " + file + ": no such file"));
    assertThat(answersOf(10)).containsExactlyInAnyOrder("a", "b");

    EndpointsFiles.replaceAtomically(file, json(List.of("b")));

    awaitDiscovered(List.of("b"));
    assertThat(status().lastError()).isNull();
  }

  @Test
  void aFileWrittenAfterStartupIsPickedUpAndUntilThenRequestsSayWhichFileIsMissing() throws IOException {
    // the request fails only once initial-wait is over, although the error came long before (core)
    start("mesh.services.orders.discovery.initial-wait", "1s");

    assertThatThrownBy(this::call)
        .isInstanceOf(NoHealthyEndpointException.class)
        .hasStackTraceContaining("cannot read endpoints file " + file + ": no such file");

    EndpointsFiles.replaceAtomically(file, json(List.of("a")));

    await().atMost(WAIT).ignoreExceptions().until(() -> call().equals("a"));
  }
}
