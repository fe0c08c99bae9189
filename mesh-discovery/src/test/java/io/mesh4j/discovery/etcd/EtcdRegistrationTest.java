package io.mesh4j.discovery.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.Locality;
import io.mesh4j.discovery.etcd.internal.EtcdRegistrationExtension;
import io.mesh4j.testing.ExternalProcess;
import io.mesh4j.testing.LeakCheck;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Self-registration against a real etcd, seen with etcdctl and by a discovering MeshClient. */
class EtcdRegistrationTest {

  private static final String PREFIX = "/mesh4j/services/";

  @TempDir Path dir;

  private static Map<String, String> registering(String etcd, String address, String ttl) {
    Map<String, String> p = new HashMap<>();
    p.put("mesh.discovery.etcd.endpoints", etcd);
    p.put("mesh.register.enabled", "true");
    p.put("mesh.register.address", address);
    p.put("mesh.discovery.etcd.lease-ttl", ttl);
    return p;
  }

  @Test
  void aRegisteredWorkloadIsDiscoveredAndServesRequestsAndClosingDeregistersItAtOnce() throws Exception {
    try (EtcdServer etcd = EtcdServer.start(dir); Backends backends = Backends.start(1)) {
      String address = backends.endpoint(0).authority();
      Map<String, String> discovering = new HashMap<>(Meshes.discovering(etcd.url(), PREFIX, "orders"));
      // its only endpoint leaving: etcd's empty answer is not authoritative, so without this the
      // mesh would keep it for the default 10s grace
      discovering.put("mesh.services.orders.discovery.empty-grace", "0s");
      LeakCheck leaks = LeakCheck.snapshot();
      try (MeshClient frontend = Meshes.start("frontend", discovering)) {
        MeshClient orders = Meshes.start("orders", registering(etcd.url(), address, "10s"));
        try {
          await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
              assertThat(etcd.get(PREFIX)).containsOnlyKeys(PREFIX + "orders/" + address));
          assertThat(etcd.get(PREFIX).get(PREFIX + "orders/" + address))
              .isEqualTo("{\"host\":\"127.0.0.1\",\"port\":" + backends.servers.get(0).getPort() + "}");
          assertThat(orders.extension(EtcdRegistrationExtension.class).orElseThrow().isRegistered()).isTrue();
          OkHttpClient http = frontend.wrap(new OkHttpClient());
          await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
              assertThat(r.body().string()).isEqualTo(backends.answer(0));
            }
          });
        } finally {
          orders.close();
        }
        // close() returns once the lease is revoked: the key is gone now, not after the TTL
        assertThat(etcd.get(PREFIX)).isEmpty();
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
            assertThat(frontend.discoveryStatus("orders").orElseThrow().discovered()).isEmpty());
      }
      leaks.assertNoNewMeshThreads();
    }
  }

  @Test
  void aWorkloadKilledWithSigkillDisappearsWhenItsLeaseExpires() throws Exception {
    try (EtcdServer etcd = EtcdServer.start(dir)) {
      String key = PREFIX + "orders/127.0.0.1:8081";
      etcd.put(PREFIX + "orders/127.0.0.1:8082", "{\"host\":\"127.0.0.1\",\"port\":8082}"); // another, not leased
      Map<String, String> discovering = new HashMap<>(Meshes.discovering(etcd.url(), PREFIX, "orders"));
      try (MeshClient frontend = Meshes.start("frontend", discovering)) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-cp", testClasspath(), RegisteredWorkload.class.getName(),
            etcd.url(), PREFIX, "orders", "127.0.0.1:8081", "3s");
        ExternalProcess workload = ExternalProcess.start(command, dir.resolve("workload.log"));
        try {
          await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(workload.process().isAlive()).as(workload.describe("exited")).isTrue();
            assertThat(etcd.get(PREFIX)).containsKey(key);
          });
          await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
              assertThat(frontend.discoveryStatus("orders").orElseThrow().discovered())
                  .contains(Endpoint.of("127.0.0.1", 8081)));

          workload.process().destroyForcibly(); // SIGKILL: no shutdown hook, no revoke
          assertThat(workload.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
          long killed = System.nanoTime();
          assertThat(etcd.get(PREFIX)).as("still registered right after the kill").containsKey(key);

          await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(100))
              .untilAsserted(() -> assertThat(etcd.get(PREFIX)).doesNotContainKey(key));
          Duration gone = Duration.ofNanos(System.nanoTime() - killed);
          // the last keep-alive was at most a third of the TTL before the kill
          assertThat(gone).as("removed by the lease's expiry").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
          await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
              assertThat(frontend.discoveryStatus("orders").orElseThrow().discovered())
                  .containsExactly(Endpoint.of("127.0.0.1", 8082)));
        } finally {
          workload.close();
        }
      }
    }
  }

  @Test
  void aLeaseLostInEtcdIsGrantedAgainAndTheKeyPutBack() throws Exception {
    try (EtcdServer etcd = EtcdServer.start(dir);
        MeshClient orders = Meshes.start("orders", registering(etcd.url(), "127.0.0.1:8081", "3s"))) {
      String key = PREFIX + "orders/127.0.0.1:8081";
      await().atMost(Duration.ofSeconds(5)).until(() -> etcd.get(PREFIX).containsKey(key));
      // an operator (or etcd losing it) revokes the lease: the key goes with it
      String lease = etcd.etcdctl("lease", "list").lines().filter(l -> !l.startsWith("found")).findFirst().orElseThrow();
      etcd.etcdctl("lease", "revoke", lease.trim());
      assertThat(etcd.get(PREFIX)).doesNotContainKey(key);

      await().atMost(Duration.ofSeconds(5)).until(() -> etcd.get(PREFIX).containsKey(key));
      assertThat(etcd.etcdctl("lease", "list")).doesNotContain(lease.trim());
    }
  }

  @Test
  void registrationNeverHoldsUpStartupAndHappensWhenEtcdComesUp() throws Exception {
    try (EtcdServer etcd = EtcdServer.start(dir)) {
      etcd.kill();
      LeakCheck leaks = LeakCheck.snapshot();
      long start = System.nanoTime();
      try (MeshClient orders = Meshes.start("orders", registering(etcd.url(), "127.0.0.1:8081", "5s"))) {
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(orders.extension(EtcdRegistrationExtension.class).orElseThrow().isRegistered()).isFalse();
        etcd.restart();
        await().atMost(Duration.ofSeconds(15))
            .until(() -> etcd.get(PREFIX).containsKey(PREFIX + "orders/127.0.0.1:8081"));
      }
      leaks.assertNoNewMeshThreads();
    }
  }

  @Test
  void theRegisteredValueCarriesTheZoneAndLocality() throws Exception {
    try (EtcdServer etcd = EtcdServer.start(dir)) {
      Map<String, String> p = registering(etcd.url(), "[::1]:8443", "10s");
      p.put("mesh.register.zone", "eu-1a");
      p.put("mesh.locality.region", "eu");
      p.put("mesh.discovery.etcd.prefix", "/registry/");
      Map<String, String> discovering = new HashMap<>(Meshes.discovering(etcd.url(), "/registry/", "orders"));
      try (MeshClient orders = Meshes.start("orders", p);
          MeshClient frontend = Meshes.start("frontend", discovering)) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(frontend.discoveryStatus("orders").orElseThrow().discovered())
                .containsExactly(Endpoint.builder("::1", 8443).locality(new Locality("eu", "eu-1a", "")).build()));
        assertThat(etcd.get("/registry/")).containsOnlyKeys("/registry/orders/[::1]:8443");
      }
    }
  }

  @Test
  void withoutMeshRegisterEnabledNothingIsRegistered() throws Exception {
    try (EtcdServer etcd = EtcdServer.start(dir)) {
      Map<String, String> p = new HashMap<>();
      p.put("mesh.discovery.etcd.endpoints", etcd.url());
      p.put("mesh.register.address", "127.0.0.1:8081");
      try (MeshClient orders = Meshes.start("orders", p)) {
        assertThat(orders.extension(EtcdRegistrationExtension.class)).isEmpty();
        assertThat(LeakCheck.meshThreads()).noneMatch(t -> t.getName().startsWith("mesh4j-etcd-register"));
      }
      assertThat(etcd.get(PREFIX)).isEmpty();
    }
  }

  /** The test JVM's class path: Surefire puts the real one in java.class.path. */
  private static String testClasspath() {
    String cp = System.getProperty("java.class.path");
    assertThat(cp.split(File.pathSeparator)).as("the test class path").hasSizeGreaterThan(3);
    return cp;
  }
}
