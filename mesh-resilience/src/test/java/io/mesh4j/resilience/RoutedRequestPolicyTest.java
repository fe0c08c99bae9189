package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.mesh4j.MeshClient;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.event.HedgeSent;
import io.mesh4j.event.HedgeWon;
import io.mesh4j.event.RetryDenied;
import io.mesh4j.event.RetryScheduled;
import io.mesh4j.resilience.HoldingBackend.Reply;
import io.mesh4j.routing.RequestRouter;
import io.mesh4j.routing.RouteDecision;
import io.mesh4j.testing.LeakCheck;
import io.mesh4j.testing.discovery.FakeDiscovery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests a router sends to a target service run on the target's retry and hedging policy with
 * the route's overrides ({@code retry.*}, {@code hedge.*}, {@code per-try-timeout}); the retry
 * budget stays the target's. Counted at real loopback backends; the router is published as a
 * service attribute through discovery, as an xDS listener's would be.
 */
@Timeout(60)
class RoutedRequestPolicyTest {

  private final FakeDiscovery fake = new FakeDiscovery();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private MeshClient mesh;
  private OkHttpClient http;
  private EventRecorder recorder;

  @AfterEach
  void stop() throws Exception {
    if (mesh != null) {
      mesh.close();
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  /** 'orders' routes, 'orders-v1' is its target; both discovered by the fake. */
  private void start(String... targetKeyValues) throws Exception {
    MeshClient.Builder b = TestMeshes.builder()
        .discoveryProvider(fake)
        .property("mesh.config.watch", "false")
        .property("mesh.services.orders.discovery", "fake")
        .property("mesh.services.orders-v1.discovery", "fake")
        .property("mesh.services.orders-v1.lb", "round-robin");
    for (int i = 0; i < targetKeyValues.length; i += 2) {
      b.property("mesh.services.orders-v1." + targetKeyValues[i], targetKeyValues[i + 1]);
    }
    mesh = b.build();
    http = mesh.wrap(new OkHttpClient());
    recorder = EventRecorder.on(mesh);
  }

  private CountingStatusBackend backend(int status) throws Exception {
    CountingStatusBackend b = new CountingStatusBackend(status);
    closeables.add(b);
    return b;
  }

  private HoldingBackend holding(long delayMillis, String body) throws Exception {
    HoldingBackend b = HoldingBackend.answeringAfter(delayMillis, body);
    closeables.add(b);
    return b;
  }

  /** Every request to 'orders' goes to 'orders-v1' with the route's overrides. */
  private void route(Map<String, String> overrides) {
    RouteDecision decision = RouteDecision.to("orders-v1");
    if (!overrides.isEmpty()) {
      decision = decision.withOverrides(overrides);
    }
    RouteDecision always = decision; // one decision per route, built up front, as routers should
    RequestRouter router = request -> always;
    fake.setUpdate("orders", new DiscoveryUpdate(List.of(),
        ServiceAttributes.builder().set(ServiceAttributes.REQUEST_ROUTER, router).build()));
  }

  private int status(String url) throws Exception {
    try (Response r = http.newCall(get(url)).execute()) {
      return r.code();
    }
  }

  private String body(String url) throws Exception {
    try (Response r = http.newCall(get(url)).execute()) {
      assertThat(r.code()).isEqualTo(200);
      return r.body().string();
    }
  }

  @Test
  void aRouteRetryOverrideRetriesA503TwiceWhereTheTargetsOwnPolicyMakesOneAttempt() throws Exception {
    start("retry.max-attempts", "1");
    CountingStatusBackend unavailable = backend(503);
    fake.setEndpoints("orders-v1", List.of(unavailable.endpoint()));
    route(Map.of("retry.max-attempts", "3", "retry.on", "503", "retry.backoff.base", "0ms"));

    assertThat(status("http://orders/items")).isEqualTo(503);
    assertThat(unavailable.received()).as("one request and two retries of the route").isEqualTo(3);
    assertThat(recorder.of(RetryScheduled.class))
        .extracting(RetryScheduled::service, RetryScheduled::attempt)
        .containsExactly(tuple("orders-v1", 2), tuple("orders-v1", 3));

    assertThat(status("http://orders-v1/items")).isEqualTo(503);
    assertThat(unavailable.received()).as("the target addressed directly: its own single attempt").isEqualTo(4);
  }

  @Test
  void aRouteWithoutOverridesKeepsTheTargetsRetryPolicy() throws Exception {
    start("retry.max-attempts", "3", "retry.on", "503", "retry.backoff.base", "0ms");
    CountingStatusBackend unavailable = backend(503);
    fake.setEndpoints("orders-v1", List.of(unavailable.endpoint()));
    route(Map.of());

    assertThat(status("http://orders/items")).isEqualTo(503);
    assertThat(unavailable.received()).isEqualTo(3);
  }

  @Test
  void aRouteOverridingOnlyTheTimeoutKeepsTheTargetsRetryPolicy() throws Exception {
    start("retry.max-attempts", "1");
    CountingStatusBackend unavailable = backend(503);
    fake.setEndpoints("orders-v1", List.of(unavailable.endpoint()));
    route(Map.of("timeout", "20s"));

    for (int i = 1; i <= 3; i++) {
      assertThat(status("http://orders/items")).isEqualTo(503);
      assertThat(unavailable.received()).isEqualTo(i);
    }
  }

  @Test
  void theRetryBudgetStaysTheTargetsAndARouteCannotOverrideIt() throws Exception {
    start("retry.max-attempts", "1", "retry.budget.ratio", "0", "retry.budget.min-per-second", "0");
    CountingStatusBackend unavailable = backend(503);
    fake.setEndpoints("orders-v1", List.of(unavailable.endpoint()));
    route(Map.of("retry.max-attempts", "3", "retry.on", "503", "retry.backoff.base", "0ms",
        "retry.budget.min-per-second", "100", "retry.budget.ratio", "1"));

    assertThat(status("http://orders/items")).isEqualTo(503);
    assertThat(unavailable.received()).as("the target's empty budget denies the route's retry").isEqualTo(1);
    assertThat(recorder.of(RetryDenied.class)).extracting(RetryDenied::service).containsExactly("orders-v1");
  }

  @Test
  void aRouteHedgeOverrideHedgesASlowFirstAttemptToTheTargetsOtherEndpoint() throws Exception {
    LeakCheck leaks = LeakCheck.snapshot();
    start("hedge.max-attempts", "2"); // the target itself does not hedge: no hedge.delay
    HoldingBackend slow = holding(20_000, "slow");
    HoldingBackend fast = holding(0, "fast");
    fake.setEndpoints("orders-v1", List.of(Endpoint.parse(slow.endpoint()), Endpoint.parse(fast.endpoint())));
    route(Map.of("hedge.delay", "20ms"));

    int requests = 4;
    for (int i = 0; i < requests; i++) {
      assertThat(body("http://orders/items/" + i)).isEqualTo("fast");
    }

    // round-robin: every other request starts on the slow endpoint and is hedged to the fast one
    assertThat(fast.requests()).isEqualTo(requests);
    assertThat(slow.requests()).isGreaterThanOrEqualTo(requests / 2);
    assertThat(slow.answered()).isZero();
    assertThat(recorder.of(HedgeSent.class)).extracting(HedgeSent::service).containsOnly("orders-v1")
        .hasSize(slow.requests() + fast.requests() - requests);
    assertThat(recorder.of(HedgeWon.class)).extracting(HedgeWon::service).containsOnly("orders-v1");
    mesh.close();
    leaks.assertNoNewMeshThreads();
  }

  @Test
  void aRoutePercentileHedgeOverrideHedgesOnceTheTargetHasEnoughLatencies() throws Exception {
    start(); // the target keeps no latencies of its own: it does not hedge
    AtomicBoolean nextIsSlow = new AtomicBoolean();
    HoldingBackend.Replies replies = (n, method) -> Reply.after(nextIsSlow.getAndSet(false) ? 20_000 : 0, "ok");
    HoldingBackend a = HoldingBackend.start(replies);
    HoldingBackend b = HoldingBackend.start(replies);
    closeables.add(a);
    closeables.add(b);
    fake.setEndpoints("orders-v1", List.of(Endpoint.parse(a.endpoint()), Endpoint.parse(b.endpoint())));
    route(Map.of("hedge.delay", "p95"));

    // p95 needs 200 samples, recorded from the route's requests on the target's latencies
    for (int i = 0; i < 300; i++) {
      assertThat(body("http://orders/warm-up")).isEqualTo("ok");
    }
    long hedgesBefore = recorder.count(HedgeSent.class); // a few: 5% of requests are slower than p95
    long wonBefore = recorder.count(HedgeWon.class);
    nextIsSlow.set(true);
    assertThat(body("http://orders/slow-one")).isEqualTo("ok");

    assertThat(recorder.count(HedgeSent.class)).isGreaterThan(hedgesBefore);
    assertThat(recorder.count(HedgeWon.class)).isGreaterThan(wonBefore);
  }

  @Test
  void aRoutePerTryTimeoutOverrideRetriesAStalledAttemptElsewhere() throws Exception {
    start(); // the target has no per-try timeout of its own, and a request timeout far away
    HoldingBackend stalled = holding(20_000, "late");
    HoldingBackend healthy = holding(0, "healthy");
    fake.setEndpoints("orders-v1", List.of(Endpoint.parse(stalled.endpoint()), Endpoint.parse(healthy.endpoint())));
    route(Map.of("per-try-timeout", "200ms", "retry.on", "timeout", "retry.backoff.base", "0ms"));

    for (int i = 0; i < 2; i++) {
      assertThat(body("http://orders/items/" + i)).isEqualTo("healthy");
    }

    assertThat(stalled.requests()).isPositive();
    assertThat(stalled.answered()).isZero();
    assertThat(recorder.of(RetryScheduled.class)).extracting(RetryScheduled::reason).containsOnly("timeout");
  }
}
