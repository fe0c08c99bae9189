package io.mesh4j.discovery.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.Locality;
import io.mesh4j.testing.ExternalProcess;
import io.mesh4j.testing.LeakCheck;
import io.mesh4j.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * etcd discovery end to end: endpoints written with the real etcdctl, requests through a real
 * MeshClient to real HTTP backends. The tests share one etcd, each under a prefix of its own.
 */
class EtcdDiscoveryTest {

  private static final Duration VISIBLE = Duration.ofSeconds(2);

  private static Path dir;
  private static EtcdServer etcd;

  private final String prefix = "/mesh4j-" + UUID.randomUUID() + "/services/";

  @BeforeAll
  static void startEtcd() throws Exception {
    dir = Files.createTempDirectory("etcd-discovery");
    etcd = EtcdServer.start(dir);
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void threeEndpointsPutWithEtcdctlAreDiscoveredAndServeRequests() throws Exception {
    try (Backends backends = Backends.start(3)) {
      // written as another tool would: the documented layout, by hand
      for (int i = 0; i < 3; i++) {
        int port = backends.servers.get(i).getPort();
        etcd.put(prefix + "orders/127.0.0.1:" + port, "{\"host\":\"127.0.0.1\",\"port\":" + port + "}");
      }
      LeakCheck leaks = LeakCheck.snapshot();
      try (MeshClient mesh = Meshes.start("frontend", Meshes.discovering(etcd.url(), prefix, "orders"))) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        for (int i = 0; i < 30; i++) {
          try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
          }
        }
        for (int i = 0; i < 3; i++) {
          assertThat(backends.requests(i)).as("requests reaching backend %s", i).isEqualTo(10);
        }
        assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered())
            .containsExactlyInAnyOrder(backends.endpoint(0), backends.endpoint(1), backends.endpoint(2));
      }
      leaks.assertNoNewMeshThreads();
    }
  }

  @Test
  void weightZoneAndMetadataWrittenInTheValueAreDiscovered() throws Exception {
    etcd.put(prefix + "orders/10.0.0.5:8080",
        "{\"host\":\"10.0.0.5\",\"port\":8080,\"weight\":2,\"zone\":\"a\",\"metadata\":{\"version\":\"v2\"}}");
    try (MeshClient mesh = Meshes.start("frontend", Meshes.discovering(etcd.url(), prefix, "orders"))) {
      await().atMost(VISIBLE).untilAsserted(() -> assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered())
          .containsExactly(Endpoint.builder("10.0.0.5", 8080).weight(2).locality(Locality.zone("a"))
              .metadata("version", "v2").build()));
    }
  }

  @Test
  void endpointsAddedAndRemovedUnderLoadAreFollowedWithinTwoSecondsWithoutAFailedRequest() throws Exception {
    try (Backends backends = Backends.start(4)) {
      for (int i = 0; i < 3; i++) {
        etcd.putEndpoint(prefix + "orders/" + backends.endpoint(i).authority(), backends.endpoint(i));
      }
      try (MeshClient mesh = Meshes.start("frontend", Meshes.discovering(etcd.url(), prefix, "orders"))) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        try (Load load = new Load(http, "orders", 4)) {
          load.awaitAnswer(backends.answer(0), 0, Duration.ofSeconds(10));

          long added = System.nanoTime();
          etcd.putEndpoint(prefix + "orders/" + backends.endpoint(3).authority(), backends.endpoint(3));
          assertThat(load.awaitAnswer(backends.answer(3), added, Duration.ofSeconds(10)))
              .as("an added endpoint takes requests within 2s").isLessThanOrEqualTo(VISIBLE);

          long removed = System.nanoTime();
          etcd.delete(prefix + "orders/" + backends.endpoint(0).authority()); // its backend keeps running, as in a drain
          load.awaitRequestsAfter(removed + VISIBLE.toNanos(), 200);
          int countAfterRemoval = backends.requests(0);
          assertThat(load.answersAfter(removed + VISIBLE.toNanos()))
              .as("no request started 2s after the removal reaches the removed endpoint")
              .doesNotContain(backends.answer(0))
              .containsExactlyInAnyOrder(backends.answer(1), backends.answer(2), backends.answer(3));
          load.awaitRequestsAfter(System.nanoTime(), 100);
          assertThat(backends.requests(0)).as("counted at the removed backend").isEqualTo(countAfterRemoval);
        }
        // counted once the load has stopped
      }
    }
  }

  @Test
  void noRequestFailsWhileEndpointsChangeUnderLoad() throws Exception {
    try (Backends backends = Backends.start(4)) {
      etcd.putEndpoint(prefix + "orders/" + backends.endpoint(0).authority(), backends.endpoint(0));
      try (MeshClient mesh = Meshes.start("frontend", Meshes.discovering(etcd.url(), prefix, "orders"));
          Load load = new Load(mesh.wrap(new OkHttpClient()), "orders", 4)) {
        load.awaitAnswer(backends.answer(0), 0, Duration.ofSeconds(10));
        // endpoints come and go (always at least one), each change a real etcd write
        for (int round = 0; round < 6; round++) {
          int in = (round + 1) % 4;
          int out = round % 4;
          etcd.putEndpoint(prefix + "orders/" + backends.endpoint(in).authority(), backends.endpoint(in));
          load.awaitAnswer(backends.answer(in), System.nanoTime() - Duration.ofMillis(100).toNanos(),
              Duration.ofSeconds(10));
          etcd.delete(prefix + "orders/" + backends.endpoint(out).authority());
        }
        load.awaitRequestsAfter(System.nanoTime(), 200);
        load.close();
        assertThat(load.failures()).as("failed requests").isEmpty();
        assertThat(load.outcomes.size()).as("requests made").isGreaterThan(100);
      }
    }
  }

  @Test
  void aMalformedValueIsSkippedWithOneWarningNamingItsKeyAndTheRestStillServes() throws Exception {
    try (Backends backends = Backends.start(3); LogCapture logs = new LogCapture()) {
      etcd.putEndpoint(prefix + "orders/" + backends.endpoint(0).authority(), backends.endpoint(0));
      String notJson = prefix + "orders/bad-1";
      String noPort = prefix + "orders/bad-2";
      etcd.put(notJson, "this is not json");
      etcd.put(noPort, "{\"host\":\"127.0.0.1\"}");
      try (MeshClient mesh = Meshes.start("frontend", Meshes.discovering(etcd.url(), prefix, "orders"))) {
        await().atMost(VISIBLE).untilAsserted(() -> assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered())
            .containsExactly(backends.endpoint(0)));
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
        // later changes re-read the service: the bad values are not logged again
        etcd.putEndpoint(prefix + "orders/" + backends.endpoint(1).authority(), backends.endpoint(1));
        await().atMost(VISIBLE).untilAsserted(() -> assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered())
            .containsExactlyInAnyOrder(backends.endpoint(0), backends.endpoint(1)));
        assertThat(logs.warnings(notJson)).hasSize(1);
        assertThat(logs.warnings(notJson).get(0)).contains("not JSON");
        assertThat(logs.warnings(noPort)).hasSize(1);
        assertThat(logs.warnings(noPort).get(0)).contains("\"port\" is missing");
        assertThat(mesh.discoveryStatus("orders").orElseThrow().lastError()).as("a bad value is not an outage").isNull();

        // fixed in place: it counts from then on
        etcd.put(noPort, "{\"host\":\"127.0.0.1\",\"port\":" + backends.servers.get(2).getPort() + ",\"weight\":3}");
        await().atMost(VISIBLE).untilAsserted(() -> assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered())
            .containsExactlyInAnyOrder(backends.endpoint(0), backends.endpoint(1), backends.endpoint(2).withWeight(3)));

        // a second key naming a registered host:port would count it twice: skipped, logged once
        String duplicate = prefix + "orders/zz-duplicate";
        etcd.putEndpoint(duplicate, backends.endpoint(0).withWeight(5));
        etcd.putEndpoint(prefix + "orders/" + backends.endpoint(1).authority(), backends.endpoint(1).withWeight(2));
        await().atMost(VISIBLE).untilAsserted(() -> assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered())
            .containsExactlyInAnyOrder(backends.endpoint(0), backends.endpoint(1).withWeight(2),
                backends.endpoint(2).withWeight(3)));
        assertThat(logs.warnings(duplicate)).hasSize(1);
        assertThat(logs.warnings(duplicate).get(0)).contains("already registers it");
      }
    }
  }

  @Test
  void servicesOfOneClientShareOneWatchAndEachGetsItsOwnEndpoints() throws Exception {
    try (Backends backends = Backends.start(2)) {
      etcd.putEndpoint(prefix + "orders/" + backends.endpoint(0).authority(), backends.endpoint(0));
      etcd.putEndpoint(prefix + "payments/" + backends.endpoint(1).authority(), backends.endpoint(1));
      Map<String, String> properties = new java.util.HashMap<>(Meshes.discovering(etcd.url(), prefix, "orders"));
      properties.putAll(Meshes.discovering(etcd.url(), prefix, "payments"));
      LeakCheck leaks = LeakCheck.snapshot();
      try (MeshClient mesh = Meshes.start("frontend", properties)) {
        await().atMost(VISIBLE).untilAsserted(() -> {
          assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered()).containsExactly(backends.endpoint(0));
          assertThat(mesh.discoveryStatus("payments").orElseThrow().discovered()).containsExactly(backends.endpoint(1));
        });
        assertThat(LeakCheck.meshThreads().stream().filter(t -> t.getName().startsWith("mesh4j-etcd")))
            .as("one watch thread for both services").hasSize(1);
      }
      leaks.assertNoNewMeshThreads();
    }
  }

  @Test
  void aServiceWithNoKeysYetGetsItsFirstEndpointWhenItIsPut() throws Exception {
    try (Backends backends = Backends.start(1);
        MeshClient mesh = Meshes.start("frontend", Meshes.discovering(etcd.url(), prefix, "orders"))) {
      await().atMost(VISIBLE).untilAsserted(() -> {
        DiscoveryStatus status = mesh.discoveryStatus("orders").orElseThrow();
        assertThat(status.lastUpdateNanos()).as("answered").isNotEqualTo(-1L);
        assertThat(status.discovered()).isEmpty();
      });
      etcd.putEndpoint(prefix + "orders/" + backends.endpoint(0).authority(), backends.endpoint(0));
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      await().atMost(VISIBLE).untilAsserted(() -> {
        try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
      });
    }
  }

  @Test
  void failsOverToTheNextEndpointWhenTheFirstDoesNotAnswer() throws Exception {
    try (Backends backends = Backends.start(1)) {
      etcd.putEndpoint(prefix + "orders/" + backends.endpoint(0).authority(), backends.endpoint(0));
      String endpoints = "http://127.0.0.1:" + ExternalProcess.freePort() + "," + etcd.url();
      try (MeshClient mesh = Meshes.start("frontend", Meshes.discovering(endpoints, prefix, "orders"))) {
        await().atMost(VISIBLE).untilAsserted(() -> assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered())
            .containsExactly(backends.endpoint(0)));
        assertThat(mesh.discoveryStatus("orders").orElseThrow().lastError()).isNull();
      }
    }
  }

  @Test
  void keysOutsideThePrefixOrItsLayoutAreIgnored() throws Exception {
    try (Backends backends = Backends.start(1); LogCapture logs = new LogCapture()) {
      etcd.putEndpoint(prefix + "orders/" + backends.endpoint(0).authority(), backends.endpoint(0));
      etcd.putEndpoint(prefix + "orders", Endpoint.of("127.0.0.1", 1)); // no "/<host>:<port>"
      etcd.putEndpoint(prefix.substring(0, prefix.length() - 1) + "x/orders/127.0.0.1:2", Endpoint.of("127.0.0.1", 2));
      try (MeshClient mesh = Meshes.start("frontend", Meshes.discovering(etcd.url(), prefix, "orders"))) {
        await().atMost(VISIBLE).untilAsserted(() -> assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered())
            .containsExactly(backends.endpoint(0)));
        assertThat(logs.warnings(prefix + "orders is not in the layout")).hasSize(1);
      }
    }
  }
}
