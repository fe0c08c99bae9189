package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.endpoints;
import static io.mesh4j.resilience.TestMeshes.get;
import static io.mesh4j.resilience.TestMeshes.server;
import static io.mesh4j.resilience.TestMeshes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.event.EndpointHealthChanged;
import io.mesh4j.testing.LeakCheck;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class HealthCheckTest {

  @Test
  void aFailingHealthCheckTakesAnEndpointOutAndAPassingOneBringsItBack() throws Exception {
    AtomicBoolean bHealthy = new AtomicBoolean(true);
    LeakCheck leaks = LeakCheck.snapshot();
    try (MockWebServer a = server(r -> status(200));
        MockWebServer b =
            server(r -> r.getUrl().encodedPath().equals("/healthz") ? status(bHealthy.get() ? 200 : 503) : status(200))) {
      try (MeshClient mesh =
          TestMeshes.builder()
              .property("mesh.services.orders.endpoints", endpoints(a, b))
              .property("mesh.services.orders.lb", "round-robin")
              .property("mesh.services.orders.health-check.path", "/healthz")
              .property("mesh.services.orders.health-check.interval", "50ms")
              .property("mesh.services.orders.health-check.timeout", "40ms")
              .property("mesh.services.orders.health-check.healthy-threshold", "2")
              .property("mesh.services.orders.health-check.unhealthy-threshold", "2")
              .property("mesh.services.orders.outlier-detection.panic-threshold", "0")
              .build()) {
        EventRecorder recorder = EventRecorder.on(mesh);
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        Endpoint bEndpoint = Endpoint.of("127.0.0.1", b.getPort());
        await().atMost(Duration.ofSeconds(2)).until(() -> b.getRequestCount() >= 2); // probes run

        bHealthy.set(false);
        await().atMost(Duration.ofSeconds(3)).until(() -> recorder.count(EndpointHealthChanged.class) == 1);
        EndpointHealthChanged down = recorder.of(EndpointHealthChanged.class).get(0);
        assertThat(down.service()).isEqualTo("orders");
        assertThat(down.endpoint()).isEqualTo(bEndpoint);
        assertThat(down.healthy()).isFalse();
        assertThat(down.detail()).contains("/healthz").contains("503");
        assertThat(TestMeshes.snapshot(mesh, "orders").unhealthy()).containsExactly(bEndpoint);
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
          long before = b.getRequestCount();
          for (int i = 0; i < 4; i++) {
            try (Response r = http.newCall(get("http://orders/work")).execute()) {
              assertThat(r.code()).isEqualTo(200);
            }
          }
          // only probes reach b now, and at most a couple of them ran meanwhile
          assertThat(b.getRequestCount() - before).isLessThan(4);
        });

        bHealthy.set(true);
        await().atMost(Duration.ofSeconds(3)).until(() -> recorder.count(EndpointHealthChanged.class) == 2);
        assertThat(recorder.of(EndpointHealthChanged.class).get(1).healthy()).isTrue();
        assertThat(TestMeshes.snapshot(mesh, "orders").unhealthy()).isEmpty();
        assertThat(LeakCheck.meshThreads()).anyMatch(t -> t.getName().startsWith("mesh4j-health-check"));
      }
      leaks.assertNoNewMeshThreads(); // health-check dispatcher threads included
    }
  }

  @Test
  void removingAServiceStopsItsProbesAndClosingLeavesNoThread() throws Exception {
    AtomicInteger probes = new AtomicInteger();
    SchedulerProbe scheduler = new SchedulerProbe();
    LeakCheck leaks = LeakCheck.snapshot();
    try (MockWebServer backend =
            server(r -> {
              if (r.getUrl().encodedPath().equals("/healthz")) {
                probes.incrementAndGet();
              }
              return status(200);
            });
        MockWebServer other = server(r -> status(200))) {
      try (MeshClient mesh =
          TestMeshes.builder()
              .module(scheduler)
              .property("mesh.services.orders.endpoints", endpoints(backend))
              .property("mesh.services.orders.health-check.path", "/healthz")
              .property("mesh.services.orders.health-check.interval", "50ms")
              .property("mesh.services.orders.health-check.timeout", "40ms")
              .property("mesh.services.inventory.endpoints", endpoints(other))
              .build()) {
        await().atMost(Duration.ofSeconds(2)).until(() -> probes.get() >= 3);

        TestMeshes.apply(mesh, Map.of("mesh.services.inventory.endpoints", endpoints(other)));

        assertThat(mesh.extension(ResilienceExtension.class).orElseThrow().snapshot("orders")).isEmpty();
        await()
            .atMost(Duration.ofSeconds(2))
            .untilAsserted(() -> assertThat(scheduler.pendingTasks()).as("no probe timer left").isZero());
        // Probes every 50ms would add several per poll: two polls in a row with the same count
        // mean they stopped (a probe already on its way may land after the removal).
        int[] last = {-1};
        await()
            .atMost(Duration.ofSeconds(3))
            .pollInterval(Duration.ofMillis(300))
            .until(() -> {
              int now = probes.get();
              boolean stopped = now == last[0];
              last[0] = now;
              return stopped;
            });
        int stoppedAt = probes.get();
        // inventory still works, and nothing probes orders' backend any more
        try (Response r = mesh.wrap(new OkHttpClient()).newCall(get("http://inventory/x")).execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
        await()
            .during(Duration.ofMillis(300))
            .atMost(Duration.ofSeconds(2))
            .until(() -> probes.get() == stoppedAt);
      }
      leaks.assertNoNewMeshThreads();
    }
  }

  @Test
  void aServiceGivenHealthChecksLiveIsProbedAndTheirClientStopsWithTheMesh() throws Exception {
    AtomicInteger probes = new AtomicInteger();
    LeakCheck leaks = LeakCheck.snapshot();
    try (MockWebServer backend =
        server(r -> {
          if (r.getUrl().encodedPath().equals("/healthz")) {
            probes.incrementAndGet();
          }
          return status(200);
        })) {
      try (MeshClient mesh =
          TestMeshes.builder().property("mesh.services.orders.endpoints", endpoints(backend)).build()) {
        assertThat(LeakCheck.meshThreads()).noneMatch(t -> t.getName().startsWith("mesh4j-health-check"));

        TestMeshes.apply(mesh, Map.of(
            "mesh.services.orders.endpoints", endpoints(backend),
            "mesh.services.orders.health-check.path", "/healthz",
            "mesh.services.orders.health-check.interval", "50ms",
            "mesh.services.orders.health-check.timeout", "40ms"));

        await().atMost(Duration.ofSeconds(2)).until(() -> probes.get() >= 2);
      }
      leaks.assertNoNewMeshThreads();
    }
  }
}
