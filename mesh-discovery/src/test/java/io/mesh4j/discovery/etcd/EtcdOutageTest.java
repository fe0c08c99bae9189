package io.mesh4j.discovery.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.testing.LeakCheck;
import java.nio.file.Path;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd going away and coming back, each test with an etcd of its own: killed and restarted, or cut
 * off from the client by a TCP relay while others keep writing (and compacting) it.
 */
class EtcdOutageTest {

  private static final Duration VISIBLE = Duration.ofSeconds(2);
  private static final String PREFIX = "/mesh4j/services/";

  @TempDir Path dir;

  @Test
  void etcdKilledKeepsTheLastEndpointsServingAndARestartedEtcdIsWatchedAgain() throws Exception {
    try (EtcdServer etcd = EtcdServer.start(dir); Backends backends = Backends.start(4)) {
      for (int i = 0; i < 3; i++) {
        etcd.putEndpoint(key(backends, i), backends.endpoint(i));
      }
      LeakCheck leaks = LeakCheck.snapshot();
      try (MeshClient mesh = Meshes.start("frontend", Meshes.discovering(etcd.url(), PREFIX, "orders"));
          Load load = new Load(mesh.wrap(new OkHttpClient()), "orders", 4)) {
        for (int i = 0; i < 3; i++) {
          load.awaitAnswer(backends.answer(i), 0, Duration.ofSeconds(10));
        }

        etcd.kill();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          DiscoveryStatus status = mesh.discoveryStatus("orders").orElseThrow();
          assertThat(status.lastError()).as("the outage is reported").isNotNull();
          assertThat(status.lastError().getMessage()).as("naming the endpoint").contains(etcd.url());
        });
        assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered()).as("the last snapshot is kept")
            .containsExactlyInAnyOrder(backends.endpoint(0), backends.endpoint(1), backends.endpoint(2));
        long down = System.nanoTime();
        load.awaitRequestsAfter(down, 300);
        assertThat(load.answersAfter(down)).as("requests keep reaching every endpoint while etcd is down")
            .containsExactlyInAnyOrder(backends.answer(0), backends.answer(1), backends.answer(2));

        etcd.restart(); // same data dir and ports
        await().atMost(Duration.ofSeconds(15))
            .untilAsserted(() -> assertThat(mesh.discoveryStatus("orders").orElseThrow().lastError()).isNull());
        long added = System.nanoTime();
        etcd.putEndpoint(key(backends, 3), backends.endpoint(3));
        assertThat(load.awaitAnswer(backends.answer(3), added, Duration.ofSeconds(10)))
            .as("a change after the restart is seen").isLessThanOrEqualTo(VISIBLE);

        load.close();
        assertThat(load.failures()).as("failed requests").isEmpty();
      }
      leaks.assertNoNewMeshThreads();
    }
  }

  @Test
  void aWatchCutOffResumesFromItsLastRevisionAndSeesWhatChangedMeanwhile() throws Exception {
    try (EtcdServer etcd = EtcdServer.start(dir); TcpProxy proxy = new TcpProxy(etcd.port());
        Backends backends = Backends.start(3)) {
      etcd.putEndpoint(key(backends, 0), backends.endpoint(0));
      etcd.putEndpoint(key(backends, 1), backends.endpoint(1));
      try (MeshClient mesh = Meshes.start("frontend", Meshes.discovering(proxy.url(), PREFIX, "orders"))) {
        awaitDiscovered(mesh, backends, 0, 1);

        proxy.cut();
        await().atMost(Duration.ofSeconds(10))
            .until(() -> mesh.discoveryStatus("orders").orElseThrow().lastError() != null);
        // changes the client cannot see now: only resuming from its revision brings them
        etcd.delete(key(backends, 0));
        etcd.putEndpoint(key(backends, 2), backends.endpoint(2));
        proxy.restore();

        awaitDiscovered(mesh, backends, 1, 2);
        assertThat(mesh.discoveryStatus("orders").orElseThrow().lastError()).isNull();
      }
    }
  }

  @Test
  void aRevisionCompactedWhileCutOffForcesACleanRelist() throws Exception {
    try (EtcdServer etcd = EtcdServer.start(dir); TcpProxy proxy = new TcpProxy(etcd.port());
        Backends backends = Backends.start(3)) {
      etcd.putEndpoint(key(backends, 0), backends.endpoint(0));
      etcd.putEndpoint(key(backends, 1), backends.endpoint(1));
      try (MeshClient mesh = Meshes.start("frontend", Meshes.discovering(proxy.url(), PREFIX, "orders"));
          Load load = new Load(mesh.wrap(new OkHttpClient()), "orders", 2)) {
        awaitDiscovered(mesh, backends, 0, 1);

        proxy.cut();
        await().atMost(Duration.ofSeconds(10))
            .until(() -> mesh.discoveryStatus("orders").orElseThrow().lastError() != null);
        etcd.delete(key(backends, 0));
        etcd.putEndpoint(key(backends, 2), backends.endpoint(2));
        etcd.put("/unrelated", "moves the revision on");
        // the deletion is compacted away: a watch resuming from before it is refused by etcd
        etcd.compact(etcd.revision());
        proxy.restore();

        awaitDiscovered(mesh, backends, 1, 2);
        assertThat(mesh.discoveryStatus("orders").orElseThrow().lastError()).isNull();
        long relisted = System.nanoTime();
        load.awaitRequestsAfter(relisted, 100);
        assertThat(load.answersAfter(relisted)).containsExactlyInAnyOrder(backends.answer(1), backends.answer(2));

        // and the watch goes on from the new listing
        etcd.putEndpoint(key(backends, 0), backends.endpoint(0));
        awaitDiscovered(mesh, backends, 0, 1, 2);
        load.close();
        assertThat(load.failures()).as("failed requests").isEmpty();
      }
    }
  }

  @Test
  void theWatchFailsOverToTheNextEndpointWhenTheOneInUseGoesAway() throws Exception {
    try (EtcdServer etcd = EtcdServer.start(dir); TcpProxy proxy = new TcpProxy(etcd.port());
        Backends backends = Backends.start(2)) {
      etcd.putEndpoint(key(backends, 0), backends.endpoint(0));
      // two client URLs of one etcd: the relay (first, in use) and etcd itself
      String endpoints = proxy.url() + "," + etcd.url();
      try (MeshClient mesh = Meshes.start("frontend", Meshes.discovering(endpoints, PREFIX, "orders"))) {
        awaitDiscovered(mesh, backends, 0);
        proxy.cut();
        etcd.putEndpoint(key(backends, 1), backends.endpoint(1));
        awaitDiscovered(mesh, backends, 0, 1);
      }
    }
  }

  private static String key(Backends backends, int i) {
    return PREFIX + "orders/" + backends.endpoint(i).authority();
  }

  private static void awaitDiscovered(MeshClient mesh, Backends backends, int... indexes) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
            mesh.discoveryStatus("orders").orElseThrow().discovered())
        .containsExactlyInAnyOrder(java.util.Arrays.stream(indexes).mapToObj(backends::endpoint)
            .toArray(io.mesh4j.discovery.Endpoint[]::new)));
  }
}
