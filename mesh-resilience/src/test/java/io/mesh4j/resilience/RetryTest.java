package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.endpoints;
import static io.mesh4j.resilience.TestMeshes.get;
import static io.mesh4j.resilience.TestMeshes.server;
import static io.mesh4j.resilience.TestMeshes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.event.RetryDenied;
import io.mesh4j.event.RetryScheduled;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class RetryTest {

  private static Request post(String url) {
    return new Request.Builder().url(url).post(RequestBody.create("order", MediaType.get("text/plain"))).build();
  }

  @Test
  void killingABackendMidTrafficFailsNoIdempotentRequestWhileOthersRemain() throws Exception {
    try (MockWebServer a = server(r -> status(200));
        MockWebServer b = server(r -> status(200));
        MockWebServer c = server(r -> status(200));
        MeshClient mesh =
            TestMeshes.builder()
                .property("mesh.services.orders.endpoints", endpoints(a, b, c))
                .property("mesh.services.orders.lb", "round-robin")
                .build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (int i = 0; i < 60; i++) {
        if (i == 20) {
          b.close(); // connections refused (or reset, when pooled) from now on
        }
        try (Response r = http.newCall(get("http://orders/items/" + i)).execute()) {
          assertThat(r.code()).as("request %d", i).isEqualTo(200);
        }
      }
      assertThat(recorder.count(RetryScheduled.class)).isPositive();
    }
  }

  @Test
  void aStalledBackendTimesOutPerTryAndTheRequestIsRetriedElsewhere() throws Exception {
    try (MockWebServer stalled =
            server(r -> new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).body("late").build());
        MockWebServer healthy = server(r -> status(200));
        MeshClient mesh =
            TestMeshes.builder()
                .property("mesh.services.orders.endpoints", endpoints(stalled, healthy))
                .property("mesh.services.orders.lb", "round-robin")
                .property("mesh.services.orders.per-try-timeout", "200ms")
                .property("mesh.services.orders.retry.on", "connect-failure,reset,timeout,503")
                .build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (int i = 0; i < 4; i++) {
        long start = System.nanoTime();
        try (Response r = http.newCall(get("http://orders/x")).execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
      }
      assertThat(stalled.getRequestCount()).isPositive();
      assertThat(recorder.of(RetryScheduled.class)).extracting(RetryScheduled::reason).contains("timeout");
      assertThat(recorder.of(RetryScheduled.class))
          .as("max-attempts 2: every retry is the second attempt, after a failure on the stalled endpoint")
          .allSatisfy(r -> {
            assertThat(r.service()).isEqualTo("orders");
            assertThat(r.attempt()).isEqualTo(2);
            assertThat(r.failedEndpoint().port()).isEqualTo(stalled.getPort());
          });
    }
  }

  @Test
  void a503StormIsRetriedOnlyWithinTheRetryBudget() throws Exception {
    int requests = 100;
    double ratio = 0.2;
    int floor = 1 * 10; // min-per-second × window seconds
    try (MockWebServer a = server(r -> status(503));
        MockWebServer b = server(r -> status(503));
        MeshClient mesh =
            TestMeshes.builder()
                .property("mesh.services.orders.endpoints", endpoints(a, b))
                .property("mesh.services.orders.retry.max-attempts", "5")
                .property("mesh.services.orders.retry.backoff.base", "0ms")
                .property("mesh.services.orders.retry.budget.ratio", Double.toString(ratio))
                .property("mesh.services.orders.retry.budget.min-per-second", "1")
                .property("mesh.services.orders.retry.budget.window", "10s")
                .property("mesh.services.orders.circuit-breaker.enabled", "false")
                .property("mesh.services.orders.outlier-detection.enabled", "false")
                .build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (int i = 0; i < requests; i++) {
        try (Response r = http.newCall(get("http://orders/x")).execute()) {
          assertThat(r.code()).isEqualTo(503); // the last answer reaches the caller
        }
      }
      int attempts = a.getRequestCount() + b.getRequestCount();
      assertThat(attempts).isGreaterThan(requests).isLessThanOrEqualTo((int) ((1 + ratio) * requests) + floor);
      assertThat(recorder.count(RetryDenied.class)).isPositive();
    }
  }

  @Test
  void aPostIsNotRetriedOnceItsBytesMayHaveBeenSent() throws Exception {
    // Reads the whole request, then drops the connection instead of answering.
    MockResponse drop = new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
    try (MockWebServer a = server(r -> drop);
        MockWebServer b = server(r -> drop);
        MeshClient mesh =
            TestMeshes.builder()
                .property("mesh.services.orders.endpoints", endpoints(a, b))
                .property("mesh.services.orders.retry.max-attempts", "3")
                .build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      assertThatThrownBy(() -> http.newCall(post("http://orders/orders")).execute().close())
          .isInstanceOf(IOException.class);
      assertThat(a.getRequestCount() + b.getRequestCount()).isEqualTo(1);
      assertThat(recorder.count(RetryScheduled.class)).isZero();
    }
  }

  @Test
  void aGetIsRetriedWhenTheConnectionDropsAfterSending() throws Exception {
    MockResponse drop = new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
    try (MockWebServer dropping = server(r -> drop);
        MockWebServer healthy = server(r -> status(200));
        MeshClient mesh =
            TestMeshes.builder()
                .property("mesh.services.orders.endpoints", endpoints(dropping, healthy))
                .property("mesh.services.orders.lb", "round-robin")
                .build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (int i = 0; i < 4; i++) {
        try (Response r = http.newCall(get("http://orders/x")).execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
      }
      assertThat(dropping.getRequestCount()).isPositive();
      assertThat(recorder.of(RetryScheduled.class)).extracting(RetryScheduled::reason).contains("reset");
    }
  }

  @Test
  void aPostIsRetriedWhenTheConnectionWasRefused() throws Exception {
    try (MockWebServer healthy = server(r -> status(201));
        MeshClient mesh =
            TestMeshes.builder()
                .property(
                    "mesh.services.orders.endpoints",
                    "127.0.0.1:" + TestMeshes.refusedPort() + "," + endpoints(healthy))
                .property("mesh.services.orders.lb", "round-robin")
                .build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (int i = 0; i < 4; i++) { // round-robin: some of these pick the refused port first
        try (Response r = http.newCall(post("http://orders/orders")).execute()) {
          assertThat(r.code()).isEqualTo(201);
        }
      }
      assertThat(healthy.getRequestCount()).isEqualTo(4);
      assertThat(recorder.of(RetryScheduled.class)).extracting(RetryScheduled::reason).contains("connect");
    }
  }

  @Test
  void aPostTaggedRetryableIsRetriedOnA503() throws Exception {
    try (MockWebServer unavailable = server(r -> status(503));
        MockWebServer healthy = server(r -> status(201));
        MeshClient mesh =
            TestMeshes.builder()
                .property("mesh.services.orders.endpoints", endpoints(unavailable, healthy))
                .property("mesh.services.orders.lb", "round-robin")
                .build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      Request untagged = post("http://orders/orders");
      Request tagged = untagged.newBuilder().tag(MeshRetry.class, MeshRetry.retryable()).build();
      int untaggedFailures = 0;
      for (int i = 0; i < 4; i++) {
        try (Response r = http.newCall(tagged).execute()) {
          assertThat(r.code()).isEqualTo(201);
        }
        try (Response r = http.newCall(untagged).execute()) {
          untaggedFailures += r.code() == 503 ? 1 : 0;
        }
      }
      assertThat(untaggedFailures).as("plain POSTs are not retried on 503").isPositive();
    }
  }
}
