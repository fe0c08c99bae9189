package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.apply;
import static io.mesh4j.resilience.TestMeshes.endpoints;
import static io.mesh4j.resilience.TestMeshes.get;
import static io.mesh4j.resilience.TestMeshes.server;
import static io.mesh4j.resilience.TestMeshes.snapshot;
import static io.mesh4j.resilience.TestMeshes.status;
import static io.mesh4j.resilience.TestMeshes.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.event.CircuitRejected;
import io.mesh4j.event.CircuitState;
import io.mesh4j.event.CircuitStateChanged;
import io.mesh4j.event.EndpointEjected;
import io.mesh4j.event.EndpointReadmitted;
import io.mesh4j.event.PanicModeChanged;
import io.mesh4j.event.RetryScheduled;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a service's resilience keeps and what it rebuilds when its configuration changes live. */
@Timeout(20)
class LiveReconfigurationTest {

  @Test
  void anOpenCircuitStaysOpenWhenTheTimeoutOrAThresholdIsEdited() throws Exception {
    try (MockWebServer backend = server(r -> status(500))) {
      Map<String, String> config = Map.of(
          "mesh.services.orders.endpoints", endpoints(backend),
          "mesh.services.orders.retry.max-attempts", "1",
          "mesh.services.orders.outlier-detection.enabled", "false",
          "mesh.services.orders.circuit-breaker.sliding-window-size", "4",
          "mesh.services.orders.circuit-breaker.minimum-calls", "4",
          "mesh.services.orders.circuit-breaker.open-duration", "30s");
      try (MeshClient mesh = TestMeshes.start(config)) {
        EventRecorder recorder = EventRecorder.on(mesh);
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        for (int i = 0; i < 4; i++) {
          http.newCall(get("http://orders/x")).execute().close();
        }
        assertThat(snapshot(mesh, "orders").circuitState()).isEqualTo(CircuitState.OPEN);

        Map<String, String> timeout = with(config, "mesh.services.orders.timeout", "5s");
        assertThat(apply(mesh, timeout).servicesUpdated()).containsOnlyKeys("orders");
        assertThat(snapshot(mesh, "orders").circuitState()).isEqualTo(CircuitState.OPEN);
        assertRefused(http);

        apply(mesh, with(timeout, "mesh.services.orders.circuit-breaker.failure-rate-threshold", "60"));
        assertThat(snapshot(mesh, "orders").circuitState()).as("not silently closed").isEqualTo(CircuitState.OPEN);
        assertRefused(http);

        assertThat(backend.getRequestCount()).as("no request got through").isEqualTo(4);
        assertThat(recorder.of(CircuitStateChanged.class))
            .as("the circuit opened once; no edit made it look closed or open anew")
            .containsExactly(new CircuitStateChanged("orders", CircuitState.CLOSED, CircuitState.OPEN));
        assertThat(recorder.of(CircuitRejected.class))
            .containsExactly(
                new CircuitRejected("orders", CircuitState.OPEN), new CircuitRejected("orders", CircuitState.OPEN));
      }
    }
  }

  private static void assertRefused(OkHttpClient http) {
    assertThatThrownBy(() -> http.newCall(get("http://orders/x")).execute())
        .isInstanceOf(CircuitBreakerOpenException.class)
        .satisfies(e -> assertThat(((CircuitBreakerOpenException) e).state()).isEqualTo(CircuitState.OPEN));
  }

  @Test
  void anEjectedEndpointStaysEjectedWhenItsWeightOrTheTimeoutIsEdited() throws Exception {
    try (MockWebServer a = server(r -> status(200));
        MockWebServer b = server(r -> status(200));
        MockWebServer sick = server(r -> status(503))) {
      Map<String, String> config = Map.of(
          "mesh.services.orders.endpoints", endpoints(a, b, sick),
          "mesh.services.orders.lb", "round-robin",
          "mesh.services.orders.retry.max-attempts", "1",
          "mesh.services.orders.circuit-breaker.enabled", "false",
          "mesh.services.orders.outlier-detection.consecutive-failures", "3",
          "mesh.services.orders.outlier-detection.base-ejection-time", "30s");
      try (MeshClient mesh = TestMeshes.start(config)) {
        EventRecorder recorder = EventRecorder.on(mesh);
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        send(http, 9); // round-robin: three to the sick one
        await().atMost(Duration.ofSeconds(2)).until(() -> recorder.count(EndpointEjected.class) == 1);
        String sickAddress = "127.0.0.1:" + sick.getPort();
        awaitNoTrafficTo(http, sick);

        Map<String, String> heavier =
            with(config, "mesh.services.orders.endpoints", endpoints(a, b) + "," + sickAddress + ";weight=2");
        assertThat(apply(mesh, heavier).servicesUpdated().get("orders")).contains("endpoints");
        assertThat(snapshot(mesh, "orders").ejected())
            .as("the same address, now with weight 2")
            .extracting(Endpoint::authority, Endpoint::weight)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(sickAddress, 2));
        assertNoTrafficTo(http, sick);

        apply(mesh, with(heavier, "mesh.services.orders.timeout", "5s"));
        assertThat(snapshot(mesh, "orders").ejected()).extracting(Endpoint::authority).containsExactly(sickAddress);
        assertNoTrafficTo(http, sick);

        assertThat(recorder.count(EndpointEjected.class)).isEqualTo(1);
        assertThat(recorder.count(EndpointReadmitted.class)).isZero();
      }
    }
  }

  @Test
  void switchingOutlierDetectionOffEndsEjectionsAndPanic() throws Exception {
    try (MockWebServer a = server(r -> status(503));
        MockWebServer b = server(r -> status(503))) {
      Map<String, String> config = Map.of(
          "mesh.services.orders.endpoints", endpoints(a, b),
          "mesh.services.orders.lb", "round-robin",
          "mesh.services.orders.retry.max-attempts", "1",
          "mesh.services.orders.circuit-breaker.enabled", "false",
          "mesh.services.orders.outlier-detection.consecutive-failures", "2",
          "mesh.services.orders.outlier-detection.max-ejection-percent", "100",
          "mesh.services.orders.outlier-detection.base-ejection-time", "30s");
      try (MeshClient mesh = TestMeshes.start(config)) {
        EventRecorder recorder = EventRecorder.on(mesh);
        send(mesh.wrap(new OkHttpClient()), 4);
        await().atMost(Duration.ofSeconds(2)).until(() -> snapshot(mesh, "orders").panic());

        apply(mesh, with(config, "mesh.services.orders.outlier-detection.enabled", "false"));

        await().atMost(Duration.ofSeconds(2)).until(() -> !snapshot(mesh, "orders").panic());
        assertThat(snapshot(mesh, "orders").ejected()).isEmpty();
        assertThat(recorder.of(PanicModeChanged.class))
            .containsExactly(new PanicModeChanged("orders", true, 0, 2), new PanicModeChanged("orders", false, 2, 2));
      }
    }
  }

  @Test
  void raisingTheBulkheadLimitLetsMoreRequestsInWhileEarlierOnesAreStillInFlight() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger arrived = new AtomicInteger();
    try (MockWebServer backend =
        server(r -> {
          arrived.incrementAndGet();
          release.await(10, TimeUnit.SECONDS);
          return status(200);
        })) {
      Map<String, String> config = Map.of(
          "mesh.services.orders.endpoints", endpoints(backend),
          "mesh.services.orders.bulkhead.max-concurrent-requests", "1");
      try (MeshClient mesh = TestMeshes.start(config)) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        CountDownLatch done = new CountDownLatch(2);
        enqueue(http, done);
        await().atMost(Duration.ofSeconds(5)).until(() -> arrived.get() == 1);
        assertBulkheadFull(http, "1 concurrent");

        apply(mesh, with(config, "mesh.services.orders.bulkhead.max-concurrent-requests", "2"));
        enqueue(http, done);
        await().atMost(Duration.ofSeconds(5)).until(() -> arrived.get() == 2);
        assertThat(done.getCount()).as("the first request is still in flight").isEqualTo(2);
        assertBulkheadFull(http, "2 concurrent"); // the first request kept its slot across the change

        release.countDown();
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        try (Response r = http.newCall(get("http://orders/x")).execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
      }
    }
  }

  @Test
  void aServiceAddedLiveGetsRetriesAndACircuitBreakerLikeOnePresentAtStartup() throws Exception {
    try (MockWebServer inventory = server(r -> status(503));
        MockWebServer orders = server(r -> status(503))) {
      Map<String, String> config = resilient("inventory", inventory);
      try (MeshClient mesh = TestMeshes.start(config)) {
        EventRecorder recorder = EventRecorder.on(mesh);
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        assertRetriedThenBroken(http, recorder, "inventory", inventory);

        Map<String, String> both = new java.util.LinkedHashMap<>(config);
        both.putAll(resilient("orders", orders));
        assertThat(apply(mesh, both).servicesAdded()).containsExactly("orders");
        assertRetriedThenBroken(http, recorder, "orders", orders);
      }
    }
  }

  private static Map<String, String> resilient(String service, MockWebServer backend) {
    String p = "mesh.services." + service + ".";
    return Map.of(
        p + "endpoints", endpoints(backend),
        p + "retry.backoff.base", "1ms",
        p + "outlier-detection.enabled", "false",
        p + "circuit-breaker.sliding-window-size", "2",
        p + "circuit-breaker.minimum-calls", "2",
        p + "circuit-breaker.open-duration", "30s");
  }

  /** Two requests, each tried twice (503 is retried), open the circuit; the third is refused. */
  private static void assertRetriedThenBroken(
      OkHttpClient http, EventRecorder recorder, String service, MockWebServer backend) throws IOException {
    for (int i = 0; i < 2; i++) {
      try (Response r = http.newCall(get("http://" + service + "/x")).execute()) {
        assertThat(r.code()).isEqualTo(503);
      }
    }
    assertThat(backend.getRequestCount()).as("each request retried once").isEqualTo(4);
    assertThat(recorder.of(RetryScheduled.class)).filteredOn(e -> e.service().equals(service)).hasSize(2);
    assertThatThrownBy(() -> http.newCall(get("http://" + service + "/x")).execute())
        .isInstanceOf(CircuitBreakerOpenException.class)
        .hasMessageContaining("'" + service + "'");
    assertThat(recorder.of(CircuitStateChanged.class))
        .contains(new CircuitStateChanged(service, CircuitState.CLOSED, CircuitState.OPEN));
  }

  private static void send(OkHttpClient http, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      try (Response r = http.newCall(get("http://orders/x")).execute()) {
        r.body().string();
      }
    }
  }

  /** The ejection reaches the balancer through the scheduler. */
  private static void awaitNoTrafficTo(OkHttpClient http, MockWebServer backend) {
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertNoTrafficTo(http, backend));
  }

  private static void assertNoTrafficTo(OkHttpClient http, MockWebServer backend) throws IOException {
    int before = backend.getRequestCount();
    send(http, 6);
    assertThat(backend.getRequestCount()).isEqualTo(before);
  }

  private static void enqueue(OkHttpClient http, CountDownLatch done) {
    http.newCall(get("http://orders/slow")).enqueue(new Callback() {
      @Override
      public void onResponse(Call call, Response response) {
        response.close();
        done.countDown();
      }

      @Override
      public void onFailure(Call call, IOException e) {
        done.countDown();
      }
    });
  }

  private static void assertBulkheadFull(OkHttpClient http, String message) {
    assertThatThrownBy(() -> http.newCall(get("http://orders/x")).execute())
        .isInstanceOf(BulkheadFullException.class)
        .hasMessageContaining(message);
  }
}
