package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.MeshTimeoutException;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.event.CircuitState;
import io.mesh4j.event.HedgeSent;
import io.mesh4j.event.HedgeWon;
import io.mesh4j.event.RetryDenied;
import io.mesh4j.event.RetryScheduled;
import io.mesh4j.resilience.HoldingBackend.Reply;
import io.mesh4j.testing.LeakCheck;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hedged requests through a real MeshClient, counted at loopback backends that see cancellations. */
@Timeout(60)
class HedgingTest {

  private static final String SLOW = "slow";
  private static final String FAST = "fast";

  private static MeshClient.Builder hedging(String endpoints, String delay) {
    return TestMeshes.builder()
        .property("mesh.services.orders.endpoints", endpoints)
        .property("mesh.services.orders.lb", "round-robin")
        .property("mesh.services.orders.hedge.delay", delay);
  }

  private static String body(OkHttpClient http, Request request) throws Exception {
    try (Response r = http.newCall(request).execute()) {
      assertThat(r.code()).isEqualTo(200);
      return r.body().string();
    }
  }

  @Test
  void aSlowFirstAttemptIsHedgedToTheOtherEndpointWhoseAnswerWinsAndTheSlowOneIsCancelled() throws Exception {
    int requests = 6;
    LeakCheck leaks = LeakCheck.snapshot();
    try (HoldingBackend slow = HoldingBackend.answeringAfter(20_000, SLOW);
        HoldingBackend fast = HoldingBackend.answeringAfter(0, FAST)) {
      try (MeshClient mesh = hedging(slow.endpoint() + "," + fast.endpoint(), "20ms").build()) {
        EventRecorder recorder = EventRecorder.on(mesh);
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        for (int i = 0; i < requests; i++) {
          assertThat(body(http, get("http://orders/items/" + i))).isEqualTo(FAST);
        }
        // Round-robin alternates picks and a hedge is a pick: at least every other request starts on
        // the slow endpoint, and each is then hedged to the fast one (the only other endpoint).
        assertThat(fast.requests()).as("each request reaches the fast endpoint exactly once").isEqualTo(requests);
        assertThat(slow.requests()).isGreaterThanOrEqualTo(requests / 2);
        assertThat(slow.answered()).isZero();
        await().atMost(Duration.ofSeconds(5))
            .untilAsserted(() -> assertThat(slow.abandoned()).as("every attempt on the slow endpoint was cancelled:"
                + " its connection closed before the answer").isEqualTo(slow.requests()));
        assertThat(recorder.of(HedgeWon.class))
            .hasSizeGreaterThanOrEqualTo(requests / 2)
            .allSatisfy(w -> {
              assertThat(w.endpoint().port()).isEqualTo(fast.port());
              assertThat(w.attempt()).isEqualTo(2);
            });
        assertThat(recorder.count(HedgeSent.class)).isEqualTo(slow.requests() + fast.requests() - requests);
        // a cancelled HTTP/1.1 attempt closes its own connection, mid-response; no other is disturbed
        assertThat(slow.connections()).isEqualTo(slow.requests());
        assertThat(fast.connections()).as("one kept-alive connection served every request").isEqualTo(1);
      }
      leaks.assertNoNewMeshThreads();
    }
  }

  @Test
  void aPostIsNeverHedged() throws Exception {
    int requests = 4;
    try (HoldingBackend a = HoldingBackend.answeringAfter(150, "a");
        HoldingBackend b = HoldingBackend.answeringAfter(150, "b");
        MeshClient mesh = hedging(a.endpoint() + "," + b.endpoint(), "10ms").build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (int i = 0; i < requests; i++) {
        Request post = new Request.Builder().url("http://orders/orders")
            .post(RequestBody.create("order " + i, MediaType.get("text/plain")))
            .tag(MeshRetry.class, MeshRetry.retryable()) // retryable is not hedgeable
            .build();
        body(http, post);
      }
      assertThat(a.requests() + b.requests()).isEqualTo(requests);
      assertThat(recorder.count(HedgeSent.class)).isZero();
    }
  }

  @Test
  void theRetryBudgetCapsHedgesWhenEveryRequestIsSlow() throws Exception {
    int requests = 40;
    double ratio = 0.1;
    int floor = 1 * 10; // min-per-second × window seconds
    try (HoldingBackend a = HoldingBackend.answeringAfter(60, "a");
        HoldingBackend b = HoldingBackend.answeringAfter(60, "b");
        MeshClient mesh = hedging(a.endpoint() + "," + b.endpoint(), "5ms")
            .property("mesh.services.orders.retry.budget.ratio", Double.toString(ratio))
            .property("mesh.services.orders.retry.budget.min-per-second", "1")
            .property("mesh.services.orders.retry.budget.window", "10s")
            .build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (int i = 0; i < requests; i++) {
        body(http, get("http://orders/x"));
      }
      int sent = a.requests() + b.requests();
      long hedges = recorder.count(HedgeSent.class);
      assertThat(sent).isEqualTo(requests + (int) hedges);
      assertThat(hedges).as("hedges within the budget").isPositive().isLessThanOrEqualTo((long) (ratio * requests) + floor);
      assertThat(recorder.of(RetryDenied.class)).isNotEmpty().allSatisfy(d -> assertThat(d.reason()).isEqualTo("hedge"));
      assertThat(recorder.count(HedgeSent.class) + recorder.count(RetryDenied.class)).isEqualTo(requests);
    }
  }

  @Test
  void aPercentileDelayHedgesOnlyOnceTheServiceHasEnoughLatencies() throws Exception {
    AtomicBoolean nextIsSlow = new AtomicBoolean();
    HoldingBackend.Replies replies = (n, method) -> Reply.after(nextIsSlow.getAndSet(false) ? 20_000 : 0, "ok");
    try (HoldingBackend a = HoldingBackend.start(replies);
        HoldingBackend b = HoldingBackend.start(replies);
        MeshClient mesh = hedging(a.endpoint() + "," + b.endpoint(), "p95").build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      // p95 needs 200 samples: before them a slow request is not hedged, it waits for its answer
      for (int i = 0; i < 150; i++) {
        body(http, get("http://orders/warm-up"));
      }
      assertThat(recorder.count(HedgeSent.class)).isZero();
      for (int i = 0; i < 150; i++) {
        body(http, get("http://orders/warm-up"));
      }
      long hedgesBefore = recorder.count(HedgeSent.class); // a few: 5% of requests are slower than p95
      long wonBefore = recorder.count(HedgeWon.class);
      int abandonedBefore = a.abandoned() + b.abandoned();
      nextIsSlow.set(true);
      assertThat(body(http, get("http://orders/slow-one"))).isEqualTo("ok");
      assertThat(recorder.count(HedgeSent.class)).isGreaterThan(hedgesBefore);
      assertThat(recorder.count(HedgeWon.class)).isGreaterThan(wonBefore);
      await().atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(a.abandoned() + b.abandoned()).isGreaterThan(abandonedBefore));
    }
  }

  @Test
  void hedgesNeverExtendTheCallsDeadline() throws Exception {
    try (HoldingBackend a = HoldingBackend.answeringAfter(20_000, "a");
        HoldingBackend b = HoldingBackend.answeringAfter(20_000, "b");
        MeshClient mesh = hedging(a.endpoint() + "," + b.endpoint(), "50ms")
            .property("mesh.services.orders.timeout", "400ms")
            .build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      long start = System.nanoTime();
      assertThatThrownBy(() -> http.newCall(get("http://orders/x")).execute())
          .isInstanceOf(MeshTimeoutException.class)
          .hasMessageContaining("timed out after 400ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
      assertThat(recorder.count(HedgeSent.class)).isEqualTo(1);
      assertThat(a.requests() + b.requests()).isEqualTo(2);
      await().atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(a.abandoned() + b.abandoned()).as("both attempts cancelled").isEqualTo(2));
    }
  }

  @Test
  void aHedgeThatFailsIsRetriedWithinTheAttemptsAndTheRetryCanWin() throws Exception {
    // what each endpoint does depends on the order requests arrive in, whichever endpoint gets them
    AtomicInteger arrivals = new AtomicInteger();
    HoldingBackend.Replies replies = (n, method) -> switch (arrivals.incrementAndGet()) {
      case 1 -> Reply.after(20_000, "first");
      case 2 -> Reply.status(503);
      default -> Reply.after(0, "third");
    };
    try (HoldingBackend a = HoldingBackend.start(replies);
        HoldingBackend b = HoldingBackend.start(replies);
        HoldingBackend c = HoldingBackend.start(replies);
        MeshClient mesh = hedging(a.endpoint() + "," + b.endpoint() + "," + c.endpoint(), "20ms")
            .property("mesh.services.orders.retry.max-attempts", "3")
            .build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      assertThat(body(http, get("http://orders/x"))).isEqualTo("third");
      assertThat(a.requests() + b.requests() + c.requests()).isEqualTo(3);
      assertThat(List.of(a.requests(), b.requests(), c.requests())).as("one attempt per endpoint").containsOnly(1);
      assertThat(recorder.count(HedgeSent.class)).isEqualTo(1);
      assertThat(recorder.of(RetryScheduled.class)).singleElement()
          .satisfies(r -> assertThat(r.reason()).isEqualTo("HTTP 503"));
      await().atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(a.abandoned() + b.abandoned() + c.abandoned()).isEqualTo(1));
    }
  }

  @Test
  void aRetryAfterOnAHedgedRequestHoldsBackTheNextHedgeUntilTheTimeTheServerAskedFor() throws Exception {
    AtomicInteger arrivals = new AtomicInteger();
    HoldingBackend.Replies replies = (n, method) -> arrivals.incrementAndGet() == 1
        ? Reply.status(503, "Retry-After: 1") : Reply.after(0, "second");
    try (HoldingBackend a = HoldingBackend.start(replies);
        HoldingBackend b = HoldingBackend.start(replies);
        MeshClient mesh = hedging(a.endpoint() + "," + b.endpoint(), "50ms").build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      long start = System.nanoTime();
      // the 503 comes back before the hedge's 50 ms: the hedge would go then, 1 s too early
      assertThat(body(http, get("http://orders/x"))).isEqualTo("second");
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

      assertThat(elapsedMillis).as("waited for the Retry-After second").isGreaterThanOrEqualTo(950);
      assertThat(a.requests() + b.requests()).isEqualTo(2);
    }
  }

  @Test
  void whenEveryAttemptFailsTheCallerGetsTheLastFailure() throws Exception {
    AtomicInteger arrivals = new AtomicInteger();
    HoldingBackend.Replies replies = (n, method) -> arrivals.incrementAndGet() == 1
        ? new Reply(200, 503, "first", List.of()) : Reply.status(503);
    try (HoldingBackend a = HoldingBackend.start(replies);
        HoldingBackend b = HoldingBackend.start(replies);
        MeshClient mesh = hedging(a.endpoint() + "," + b.endpoint(), "20ms").build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      try (Response r = http.newCall(get("http://orders/x")).execute()) {
        assertThat(r.code()).isEqualTo(503);
        assertThat(r.body().string()).as("the last to fail: the first attempt, after the hedge").isEqualTo("first");
      }
      assertThat(a.requests() + b.requests()).as("two attempts: max(retry, hedge) max-attempts").isEqualTo(2);
    }
  }

  @Test
  void hedgingSetInMeshDefaultsAppliesLiveAndOneServiceCanTurnItOff() throws Exception {
    try (HoldingBackend slow = HoldingBackend.answeringAfter(300, SLOW);
        HoldingBackend fast = HoldingBackend.answeringAfter(0, FAST)) {
      Map<String, String> base = Map.of(
          "mesh.services.orders.endpoints", slow.endpoint() + "," + fast.endpoint(),
          "mesh.services.orders.lb", "round-robin");
      try (MeshClient mesh = TestMeshes.start(base)) {
        EventRecorder recorder = EventRecorder.on(mesh);
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        for (int i = 0; i < 4; i++) {
          body(http, get("http://orders/x"));
        }
        assertThat(recorder.count(HedgeSent.class)).isZero();
        assertThat(slow.answered()).as("without hedging the slow endpoint's answers are waited for").isPositive();

        TestMeshes.apply(mesh, TestMeshes.with(base, "mesh.defaults.hedge.delay", "20ms"));
        for (int i = 0; i < 4; i++) {
          assertThat(body(http, get("http://orders/x"))).isEqualTo(FAST);
        }
        long hedged = recorder.count(HedgeSent.class);
        assertThat(hedged).as("at least every other request starts on the slow endpoint").isGreaterThanOrEqualTo(2);

        TestMeshes.apply(mesh, TestMeshes.with(base, "mesh.defaults.hedge.delay", "20ms",
            "mesh.services.orders.hedge.max-attempts", "1"));
        for (int i = 0; i < 4; i++) {
          body(http, get("http://orders/x"));
        }
        assertThat(recorder.count(HedgeSent.class)).isEqualTo(hedged);
      }
    }
  }

  @Test
  void badHedgeValuesFailAtStartupNamingTheKey() {
    assertThatThrownBy(() -> TestMeshes.builder()
            .property("mesh.services.orders.endpoints", "127.0.0.1:1")
            .property("mesh.services.orders.hedge.delay", "p100")
            .property("mesh.defaults.hedge.max-attempts", "0")
            .property("mesh.services.orders.retry.retry-after.max", "-1s")
            .build())
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.services.orders.hedge.delay")
        .hasMessageContaining("a percentile of the service's recent latencies from p1 to p99.9")
        .hasMessageContaining("mesh.defaults.hedge.max-attempts")
        .hasMessageContaining("mesh.services.orders.retry.retry-after.max");
  }

  @Test
  void aCancelledHedgeIsNoFailureOfItsEndpoint() throws Exception {
    int requests = 8;
    try (HoldingBackend slow = HoldingBackend.answeringAfter(20_000, SLOW);
        HoldingBackend fast = HoldingBackend.answeringAfter(0, FAST);
        MeshClient mesh = hedging(slow.endpoint() + "," + fast.endpoint(), "20ms")
            // a single failure would eject, or count towards opening the circuit
            .property("mesh.services.orders.outlier-detection.consecutive-failures", "1")
            .property("mesh.services.orders.circuit-breaker.minimum-calls", "1")
            .property("mesh.services.orders.circuit-breaker.failure-rate-threshold", "1")
            .build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (int i = 0; i < requests; i++) {
        assertThat(body(http, get("http://orders/x"))).isEqualTo(FAST);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> slow.abandoned() == slow.requests());
      // the cancelled attempts' failures reach outlier detection (or not) on their own threads
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
        ServiceResilienceSnapshot state = TestMeshes.snapshot(mesh, "orders");
        assertThat(state.ejected()).as("ejected").isEmpty();
        assertThat(state.circuitState()).isEqualTo(CircuitState.CLOSED);
      });
      assertThat(slow.requests()).as("attempts cancelled on the slow endpoint").isGreaterThanOrEqualTo(requests / 2);
    }
  }
}
