package io.mesh4j.testing.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.Locality;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerKeys;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.MeshLoadBalancers;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import io.mesh4j.lb.SlowStartLoadBalancer;
import io.mesh4j.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every load-balancing policy must do, whatever its algorithm. Subclass it with the policy's
 * provider:
 *
 * <pre>{@code
 * class MyPolicyConformanceTest extends LoadBalancerConformanceSuite {
 *   protected LoadBalancerProvider provider() { return new MyPolicyProvider(); }
 * }
 * }</pre>
 *
 * Requests alternate between no hash key and distinct hash keys, so hashing policies are exercised
 * on both paths. Nothing here sleeps or binds a port. A policy that {@linkplain
 * LoadBalancerProvider#supportsSlowStart() supports slow start} also runs the slow-start checks
 * (through {@link SlowStartLoadBalancer}, as the mesh wraps it): see {@link #supportsSlowStart()}.
 */
public abstract class LoadBalancerConformanceSuite {

  protected static final String SERVICE = "orders";

  private static final int PICKS = 200;

  protected TestLoadBalancerContext context;
  protected LoadBalancer loadBalancer;

  /** The policy under test. */
  protected abstract LoadBalancerProvider provider();

  /** The context the policy is created with; override to set the policy's keys or a clock. */
  protected TestLoadBalancerContext newContext() {
    return TestLoadBalancerContext.of(SERVICE);
  }

  @BeforeEach
  void createLoadBalancer() {
    context = newContext();
    loadBalancer = provider().newLoadBalancer(context);
  }

  @AfterEach
  void closeLoadBalancer() {
    loadBalancer.close();
    context.close();
  }

  @Test
  void hasANameAndDeclaresOnlyPerServiceKeys() {
    assertThat(provider().name()).isNotBlank().matches("[a-z0-9-]+");
    for (ConfigKey<?> key : provider().serviceKeys()) {
      assertThat(key.scope()).as("scope of %s", key).isEqualTo(ConfigKey.Scope.SERVICE);
    }
  }

  @Test
  void picksOnlyFromTheCurrentEndpoints() {
    List<Endpoint> endpoints = endpoints(1, 2, 3);
    loadBalancer.update(context.update(endpoints));

    Set<Endpoint> picked = new HashSet<>();
    for (int i = 0; i < PICKS; i++) {
      picked.add(pickedEndpoint(context.picker(), request(i)));
    }

    assertThat(endpoints).containsAll(picked);
  }

  @Test
  void anEmptyEndpointListGivesNoEndpointNamingTheService() {
    loadBalancer.update(context.update(endpoints(1, 2)));
    loadBalancer.update(context.update(List.of()));

    for (int i = 0; i < 4; i++) {
      PickResult result = context.pick(request(i));
      assertThat(result.hasEndpoint()).isFalse();
      assertThat(result.isPending()).as("an empty list is an answer, not 'not yet'").isFalse();
      assertThat(result.reason()).contains(SERVICE);
    }
  }

  @Test
  void prefersEndpointsNotInTheAvoidSet() {
    List<Endpoint> endpoints = endpoints(1, 2, 3);
    loadBalancer.update(context.update(endpoints));
    Set<Endpoint> tried = Set.of(endpoints.get(0), endpoints.get(1));

    for (int i = 0; i < PICKS; i++) {
      PickRequest retry = new PickRequest(request(i).hashKey(), tried);
      assertThat(pickedEndpoint(context.picker(), retry)).isEqualTo(endpoints.get(2));
    }
  }

  @Test
  void fallsBackToAnAvoidedEndpointWhenNoOtherIsLeft() {
    List<Endpoint> endpoints = endpoints(1, 2);
    loadBalancer.update(context.update(endpoints));

    for (int i = 0; i < PICKS; i++) {
      PickRequest retry = new PickRequest(request(i).hashKey(), Set.copyOf(endpoints));
      assertThat(pickedEndpoint(context.picker(), retry)).isIn(endpoints);
    }
  }

  /**
   * Hedging: the hedge is picked while the first attempt is still outstanding and avoids its
   * endpoint; the first is then cancelled, and its tracker told so ({@code success=false}, the time
   * until cancellation), after the hedge's. The policy keeps every endpoint reachable afterwards.
   */
  @Test
  void aHedgeWhileTheFirstAttemptIsOutstandingGoesElsewhereAndTheCancelledOneLeavesEveryEndpointReachable() {
    List<Endpoint> endpoints = endpoints(1, 2, 3);
    loadBalancer.update(context.update(endpoints));

    for (int i = 0; i < PICKS; i++) {
      Picker picker = context.picker();
      PickResult first = picker.pick(request(i));
      assertThat(first.hasEndpoint()).isTrue();
      PickResult hedge = picker.pick(new PickRequest(request(i).hashKey(), Set.of(first.endpoint())));
      assertThat(hedge.hasEndpoint()).isTrue();
      assertThat(hedge.endpoint()).isNotEqualTo(first.endpoint());
      hedge.tracker().onComplete(1_000_000, true);
      first.tracker().onComplete(20_000_000, false);
    }
    for (Endpoint e : endpoints) {
      Set<Endpoint> others = new HashSet<>(endpoints);
      others.remove(e);
      assertThat(pickedEndpoint(context.picker(), new PickRequest(null, others))).isEqualTo(e);
    }
  }

  @Test
  void publishesANewPickerOnEveryUpdate() {
    List<Picker> seen = new ArrayList<>();

    loadBalancer.update(context.update(endpoints(1, 2)));
    seen.add(context.picker());
    loadBalancer.update(context.update(endpoints(1, 2, 3)));
    seen.add(context.picker());
    loadBalancer.update(context.update(endpoints(1, 2, 3)));
    seen.add(context.picker());
    loadBalancer.update(context.update(List.of()));
    seen.add(context.picker());

    assertThat(context.pickerUpdates()).isEqualTo(4);
    assertThat(seen).doesNotHaveDuplicates();
  }

  @Test
  void neverPicksARemovedEndpointAfterTheUpdate() {
    loadBalancer.update(context.update(endpoints(1, 2, 3, 4)));
    Picker before = context.picker();
    exercise(before);

    List<Endpoint> remaining = endpoints(2, 4);
    loadBalancer.update(context.update(remaining));

    for (int i = 0; i < PICKS; i++) {
      assertThat(pickedEndpoint(context.picker(), request(i))).isIn(remaining);
    }
  }

  @Test
  void keepsWorkingWhenTrackersOfRemovedEndpointsReportLate() {
    loadBalancer.update(context.update(endpoints(1, 2, 3)));
    List<PickResult> inFlight = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      inFlight.add(context.pick(request(i)));
    }

    loadBalancer.update(context.update(endpoints(4)));
    inFlight.forEach(r -> r.tracker().onComplete(5_000_000, false));

    assertThat(pickedEndpoint(context.picker(), request(0))).isEqualTo(endpoint(4));
  }

  @Test
  void survivesConcurrentPicksWhileEndpointsChange() throws Exception {
    List<List<Endpoint>> lists =
        List.of(endpoints(1, 2, 3), endpoints(2, 3, 4), endpoints(4, 5), endpoints(1, 5, 6, 7));
    Set<Endpoint> everEligible = new HashSet<>();
    lists.forEach(everEligible::addAll);
    loadBalancer.update(context.update(lists.get(0)));
    AtomicBoolean updating = new AtomicBoolean(true);
    ExecutorService pickers = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pickers.submit(
                () -> {
                  int picks = 0;
                  while (updating.get() || picks < PICKS) {
                    PickResult r = context.pick(request(picks++));
                    assertThat(r.hasEndpoint()).as("picked %s", r).isTrue();
                    assertThat(r.endpoint()).isIn(everEligible);
                    r.tracker().onComplete(1_000_000, picks % 7 != 0);
                  }
                  return picks;
                }));
      }
      for (int update = 0; update < 400; update++) {
        loadBalancer.update(context.update(lists.get(update % lists.size())));
      }
      updating.set(false);
      for (Future<Integer> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(PICKS);
      }
    } finally {
      pickers.shutdownNow();
      assertThat(pickers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    List<Endpoint> last = lists.get(399 % lists.size());
    for (int i = 0; i < PICKS; i++) {
      assertThat(pickedEndpoint(context.picker(), request(i))).isIn(last);
    }
  }

  @Test
  void picksOnlyTheLowestPriorityPresentAndFailsOverWhenItIsGone() {
    Endpoint primary1 = endpoint(1);
    Endpoint primary2 = endpoint(2);
    Endpoint failover = endpoint(3).toBuilder().priority(1).build();
    loadBalancer.update(context.update(List.of(failover, primary1, primary2)));

    for (int i = 0; i < PICKS; i++) {
      assertThat(pickedEndpoint(context.picker(), request(i))).isIn(primary1, primary2);
    }

    // the mesh's filters removed both primaries (ejected, unhealthy): the next priority takes over
    loadBalancer.update(context.update(List.of(failover)));
    for (int i = 0; i < PICKS; i++) {
      assertThat(pickedEndpoint(context.picker(), request(i))).isEqualTo(failover);
    }
  }

  @Test
  void picksTheEndpointsAsGivenWithTheirAttributes() {
    Endpoint zoned =
        Endpoint.builder("10.0.0.1", 8080)
            .weight(3)
            .locality(new Locality("eu", "eu-1a", "rack-7"))
            .metadata("version", "v2")
            .build();
    Endpoint other = Endpoint.builder("10.0.0.2", 8080).locality(Locality.zone("eu-1b")).build();
    context.setLocality(new Locality("eu", "eu-1a", ""));
    loadBalancer.update(context.update(List.of(zoned, other)));

    for (int i = 0; i < PICKS; i++) {
      Endpoint picked = pickedEndpoint(context.picker(), request(i));
      // endpoints as discovery reported them, attributes and all: stages and metrics read them
      assertThat(picked).isIn(zoned, other);
    }
  }

  /** Each policy's own tests check what its keys do; every policy must accept a new config on any update. */
  @Test
  void keepsPickingWhenTheConfigurationChangesBetweenUpdates() {
    loadBalancer.update(context.update(endpoints(1, 2)));
    Map<ConfigKey<?>, Object> explicitDefaults = new HashMap<>();
    for (ConfigKey<?> key : provider().serviceKeys()) {
      if (key.defaultValue() != null) {
        explicitDefaults.put(key, key.defaultValue());
      }
    }
    context.setConfig(explicitDefaults);

    loadBalancer.update(context.update(endpoints(1, 2, 3)));

    assertThat(context.pickerUpdates()).isEqualTo(2);
    for (int i = 0; i < PICKS; i++) {
      assertThat(pickedEndpoint(context.picker(), request(i))).isIn(endpoints(1, 2, 3));
    }
  }

  @Test
  void itsLastPickerKeepsWorkingAfterClose() {
    loadBalancer.update(context.update(endpoints(1, 2)));
    Picker last = context.picker();
    List<PickResult> inFlight = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      inFlight.add(last.pick(request(i)));
    }

    loadBalancer.close(); // a policy switch: requests that started on it still finish on it

    inFlight.forEach(r -> r.tracker().onComplete(1_000_000, true));
    for (int i = 0; i < PICKS; i++) {
      assertThat(pickedEndpoint(last, request(i))).isIn(endpoints(1, 2));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Slow start (lb.slow-start.*): what the mesh's SlowStartLoadBalancer around the policy must give
  // a policy that supports it (LoadBalancerProvider.supportsSlowStart, or override
  // supportsSlowStart() here); a policy that does not must give a joining endpoint its share at
  // once, whatever the window. The clock is manual: an update re-evaluates the ramp, so no test
  // waits for the ramp's timer.
  // ---------------------------------------------------------------------------------------------

  /** The window the slow-start checks use. */
  protected static final Duration SLOW_START_WINDOW = Duration.ofSeconds(10);

  private static final int SLOW_START_PICKS = 4000;

  /** True when the slow-start checks apply: by default, when the provider says it supports it. */
  protected boolean supportsSlowStart() {
    return provider().supportsSlowStart();
  }

  /**
   * The context for the slow-start checks: a {@link ManualClock}, {@code lb.slow-start.window} set
   * to {@code window}; override to add the policy's own keys.
   */
  protected TestLoadBalancerContext newSlowStartContext(ManualClock clock, Duration window) {
    return TestLoadBalancerContext.forService(SERVICE).clock(clock).set(LoadBalancerKeys.SLOW_START_WINDOW, window).build();
  }

  @Test
  void slowStartRampsANewEndpointFromLessThanHalfItsShareToItsShare() {
    ManualClock clock = new ManualClock();
    try (TestLoadBalancerContext ctx = newSlowStartContext(clock, SLOW_START_WINDOW)) {
      LoadBalancer lb = SlowStartLoadBalancer.around(provider(), ctx);
      try {
        lb.update(ctx.update(endpoints(1, 2, 3)));
        exercise(ctx.picker());

        lb.update(ctx.update(endpoints(1, 2, 3, 4)));
        double atJoin = share(ctx, endpoint(4));
        clock.advance(SLOW_START_WINDOW.plusSeconds(1));
        lb.update(ctx.update(endpoints(1, 2, 3, 4)));
        double afterWindow = share(ctx, endpoint(4));

        assertRamping(atJoin, "share of the new endpoint as it joins (fair: 25%%)");
        assertThat(afterWindow).as("share after the window (fair: 25%%)").isBetween(0.125, 0.375);
      } finally {
        lb.close();
      }
    }
  }

  @Test
  void slowStartDoesNotRampTheEndpointsAClientStartsWith() {
    ManualClock clock = new ManualClock();
    try (TestLoadBalancerContext ctx = newSlowStartContext(clock, SLOW_START_WINDOW)) {
      LoadBalancer lb = SlowStartLoadBalancer.around(provider(), ctx);
      try {
        lb.update(ctx.update(endpoints(1, 2, 3)));
        clock.advance(Duration.ofMillis(100));
        // a fourth joins at once: were the first three ramping too, it would get about its share
        lb.update(ctx.update(endpoints(1, 2, 3, 4)));

        assertRamping(share(ctx, endpoint(4)), "share of the endpoint that joined last (fair: 25%%)");
      } finally {
        lb.close();
      }
    }
  }

  @Test
  void slowStartRampsAReAdmittedEndpointAgain() {
    ManualClock clock = new ManualClock();
    try (TestLoadBalancerContext ctx = newSlowStartContext(clock, SLOW_START_WINDOW)) {
      LoadBalancer lb = SlowStartLoadBalancer.around(provider(), ctx);
      try {
        lb.update(ctx.update(endpoints(1, 2, 3, 4)));
        exercise(ctx.picker());
        lb.update(ctx.update(endpoints(1, 2, 3))); // 4 ejected, failed its health check or drained
        clock.advance(Duration.ofMinutes(1));

        lb.update(ctx.update(endpoints(1, 2, 3, 4)));

        assertRamping(share(ctx, endpoint(4)), "share of the endpoint that joined last (fair: 25%%)");
      } finally {
        lb.close();
      }
    }
  }

  @Test
  void slowStartAppliesALiveChangeOfItsWindow() {
    ManualClock clock = new ManualClock();
    try (TestLoadBalancerContext ctx = newSlowStartContext(clock, Duration.ofHours(1))) {
      LoadBalancer lb = SlowStartLoadBalancer.around(provider(), ctx);
      try {
        lb.update(ctx.update(endpoints(1, 2, 3)));
        lb.update(ctx.update(endpoints(1, 2, 3, 4)));
        clock.advance(Duration.ofSeconds(1));
        double rampingForAnHour = share(ctx, endpoint(4));

        ctx.setConfig(Map.of(LoadBalancerKeys.SLOW_START_WINDOW, Duration.ZERO));
        lb.update(ctx.update(endpoints(1, 2, 3, 4)));
        double off = share(ctx, endpoint(4));

        assertRamping(rampingForAnHour, "share a second into an hour's window (fair: 25%%)");
        assertThat(off).isBetween(0.125, 0.375);
      } finally {
        lb.close();
      }
    }
  }

  @Test
  void slowStartLeavesNoTimerBehindWhenClosed() {
    ManualClock clock = new ManualClock();
    try (TestLoadBalancerContext ctx = newSlowStartContext(clock, Duration.ofHours(1))) {
      LoadBalancer lb = SlowStartLoadBalancer.around(provider(), ctx);
      lb.update(ctx.update(endpoints(1, 2, 3)));
      lb.update(ctx.update(endpoints(1, 2, 3, 4))); // ramping: a step is scheduled

      lb.close();

      for (Runnable task : ((java.util.concurrent.ScheduledThreadPoolExecutor) ctx.scheduler()).getQueue()) {
        assertThat((java.util.concurrent.Future<?>) task).as("a task left on the scheduler").isDone();
      }
    }
  }

  /**
   * A joining endpoint's share: below half its fair 25 % while it ramps, or, for a policy without
   * slow start, its fair share at once.
   */
  private void assertRamping(double share, String what) {
    if (supportsSlowStart()) {
      assertThat(share).as(what + ", ramping").isLessThan(0.125);
    } else {
      assertThat(share).as(what + ": the policy has no slow start, so its share at once").isBetween(0.125, 0.375);
    }
  }

  /** Share of {@link #SLOW_START_PICKS} picks (each completed at once) that went to {@code e}. */
  private double share(TestLoadBalancerContext ctx, Endpoint e) {
    int hits = 0;
    for (int i = 0; i < SLOW_START_PICKS; i++) {
      if (pickedEndpoint(ctx.picker(), request(i)).equals(e)) {
        hits++;
      }
    }
    return hits / (double) SLOW_START_PICKS;
  }

  // ---------------------------------------------------------------------------------------------
  // Zones and priorities: the policy as the mesh runs it, inside MeshLoadBalancers.wrap (priority
  // levels, then zone-aware routing, then the policy). Every policy must keep these.
  // ---------------------------------------------------------------------------------------------

  private static final int ZONE_PICKS = 2_000;

  /** The policy inside the mesh's priority and zone wrappers, on a context of its own. */
  protected final class Wrapped implements AutoCloseable {
    final TestLoadBalancerContext context;
    final LoadBalancer balancer;

    Wrapped(TestLoadBalancerContext context) {
      this.context = context;
      this.balancer = MeshLoadBalancers.wrap(provider(), context);
    }

    void update(List<Endpoint> eligible, List<Endpoint> excluded) {
      balancer.update(context.update(eligible, excluded));
    }

    /** How many of {@code picks} requests (with {@code avoid}) went to each endpoint. */
    Map<Endpoint, Integer> tally(int picks, Set<Endpoint> avoid) {
      Map<Endpoint, Integer> counts = new HashMap<>();
      for (int i = 0; i < picks; i++) {
        counts.merge(pickedEndpoint(context.picker(), new PickRequest(request(i).hashKey(), avoid)), 1, Integer::sum);
      }
      return counts;
    }

    @Override
    public void close() {
      balancer.close();
      context.close();
    }
  }

  /** The wrapped policy for a client in {@code zone}; override {@link #newContext()} for keys. */
  protected Wrapped wrappedInZone(String zone) {
    TestLoadBalancerContext c = newContext();
    c.setLocality(Locality.zone(zone));
    return new Wrapped(c);
  }

  /** Endpoint {@code 10.1.<priority>.<i>:8080} in {@code zone}. */
  protected static Endpoint zoned(String zone, int i, int priority) {
    return Endpoint.builder("10.1." + priority + "." + i, 8080).locality(Locality.zone(zone)).priority(priority).build();
  }

  protected static List<Endpoint> zoned(String zone, int count) {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add(zoned(zone, (zone.hashCode() & 0x3f) * 3 + i, 0));
    }
    return out;
  }

  private static List<Endpoint> plus(List<Endpoint> a, List<Endpoint> b) {
    List<Endpoint> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static double share(Map<Endpoint, Integer> counts, List<Endpoint> of) {
    int in = 0;
    int all = 0;
    for (Map.Entry<Endpoint, Integer> e : counts.entrySet()) {
      all += e.getValue();
      if (of.contains(e.getKey())) {
        in += e.getValue();
      }
    }
    return in / (double) all;
  }

  @Test
  void zoneAwareKeepsEveryRequestInTheClientsZoneWhileItHoldsItsShareOfHealthyEndpoints() {
    List<Endpoint> a = zoned("a", 3);
    List<Endpoint> b = zoned("b", 3);
    try (Wrapped w = wrappedInZone("a")) {
      w.update(plus(b, a), List.of());

      assertThat(w.tally(ZONE_PICKS, Set.of()).keySet()).isNotEmpty().isSubsetOf(a);
    }
  }

  @Test
  void zoneAwareSpillsWhatTheLocalZoneCannotServeAndNeverPicksAnExcludedEndpoint() {
    List<Endpoint> a = zoned("a", 3);
    List<Endpoint> b = zoned("b", 3);
    try (Wrapped w = wrappedInZone("a")) {
      // a holds 2 of the 5 healthy endpoints (40 %) but half of all: it keeps 40/50 = 80 %
      w.update(plus(a.subList(0, 2), b), a.subList(2, 3));

      Map<Endpoint, Integer> counts = w.tally(ZONE_PICKS, Set.of());
      assertThat(counts).doesNotContainKey(a.get(2));
      assertThat(share(counts, a)).isBetween(0.70, 0.90);
      assertThat(share(counts, b)).isBetween(0.10, 0.30);
    }
  }

  @Test
  void zoneAwareSendsEverythingElsewhereWhenNoLocalEndpointIsHealthy() {
    List<Endpoint> a = zoned("a", 3);
    List<Endpoint> b = zoned("b", 3);
    try (Wrapped w = wrappedInZone("a")) {
      w.update(b, a);

      assertThat(w.tally(ZONE_PICKS, Set.of()).keySet()).isNotEmpty().isSubsetOf(b);
    }
  }

  /** A policy that routes by zone on its own overrides this with what it does instead. */
  @Test
  protected void zoneAwareOffSpreadsOverEveryZone() {
    List<Endpoint> a = zoned("a", 3);
    List<Endpoint> b = zoned("b", 3);
    try (Wrapped w = wrappedInZone("a")) {
      w.context.setConfig(Map.of(LoadBalancerKeys.ZONE_AWARE, false));
      w.update(plus(a, b), List.of());

      assertThat(share(w.tally(ZONE_PICKS, Set.of()), a)).isBetween(0.35, 0.65);
    }
  }

  @Test
  void zoneAwareFollowsALiveChangeOfTheClientsZone() {
    List<Endpoint> a = zoned("a", 3);
    List<Endpoint> b = zoned("b", 3);
    try (Wrapped w = wrappedInZone("a")) {
      w.update(plus(a, b), List.of());
      w.context.setLocality(Locality.zone("b")); // mesh.locality.zone changed: a fresh update follows

      w.update(plus(a, b), List.of());

      assertThat(w.tally(ZONE_PICKS, Set.of()).keySet()).isNotEmpty().isSubsetOf(b);
    }
  }

  @Test
  void zoneAwareRetriesInAZoneNotTriedYetThenAnyUntriedEndpoint() {
    List<Endpoint> a = zoned("a", 3);
    List<Endpoint> b = zoned("b", 3);
    try (Wrapped w = wrappedInZone("a")) {
      w.update(plus(a, b), List.of());

      // failures within a zone go together (a zone outage): the retry of a local failure leaves it
      assertThat(w.tally(PICKS, Set.of(a.get(0))).keySet()).isSubsetOf(b);
      assertThat(w.tally(PICKS, Set.of(b.get(0))).keySet()).as("back to the local zone").isSubsetOf(a);
      assertThat(w.tally(PICKS, Set.of(a.get(0), b.get(0))).keySet()).as("both zones tried")
          .isSubsetOf(a.subList(1, 3));
      assertThat(w.tally(PICKS, Set.copyOf(a)).keySet()).isSubsetOf(b);
      assertThat(w.tally(PICKS, Set.copyOf(plus(a, b))).keySet()).as("all tried: any").isSubsetOf(plus(a, b));
    }
  }

  @Test
  void zoneAwareRoutingIsOffInPanic() {
    List<Endpoint> a = zoned("a", 3);
    List<Endpoint> b = zoned("b", 3);
    try (Wrapped w = wrappedInZone("a")) {
      w.context.setPanicThreshold(50);
      // 1 of 6 healthy, in zone b: panic balances over all six, in both zones
      w.update(b.subList(0, 1), plus(a, b.subList(1, 3)));

      Map<Endpoint, Integer> counts = w.tally(ZONE_PICKS, Set.of());
      assertThat(share(counts, a)).isBetween(0.35, 0.65);
      assertThat(counts.keySet()).containsAnyElementsOf(b.subList(1, 3));
    }
  }

  @Test
  void priorityLoadSpillsAPrioritysUnhealthyShareToTheNextAndTakesItBackOnRecovery() {
    List<Endpoint> p0 = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      p0.add(zoned("a", i, 0));
    }
    List<Endpoint> p1 = List.of(zoned("a", 1, 1), zoned("a", 2, 1));
    try (Wrapped w = wrappedInZone("a")) {
      // 5 of 10 healthy: 50 % × 1.4 = 70 % of the traffic stays, 30 % spills
      w.update(plus(p0.subList(0, 5), p1), p0.subList(5, 10));
      Map<Endpoint, Integer> counts = w.tally(ZONE_PICKS, Set.of());
      assertThat(counts.keySet()).doesNotContainAnyElementsOf(p0.subList(5, 10));
      assertThat(share(counts, p0)).isBetween(0.60, 0.80);

      w.update(plus(p0, p1), List.of());
      assertThat(w.tally(ZONE_PICKS, Set.of()).keySet()).isSubsetOf(p0);
    }
  }

  @Test
  void priorityPanicOnlyWhenThePrioritiesTogetherLackHealthyEndpoints() {
    List<Endpoint> p0 = List.of(zoned("a", 1, 0), zoned("a", 2, 0), zoned("a", 3, 0), zoned("a", 4, 0));
    List<Endpoint> p1 = List.of(zoned("a", 1, 1), zoned("a", 2, 1), zoned("a", 3, 1), zoned("a", 4, 1));
    try (Wrapped w = wrappedInZone("a")) {
      w.context.setPanicThreshold(50);
      // half the service is down, all of it in P0: P1 absorbs everything, nothing unhealthy is picked
      w.update(p1, p0);
      assertThat(w.tally(ZONE_PICKS, Set.of()).keySet()).isSubsetOf(p1);

      // P1 loses 3 of 4 as well: both priorities below the threshold, they share all eight endpoints
      w.update(p1.subList(0, 1), plus(p0, p1.subList(1, 4)));
      Map<Endpoint, Integer> counts = w.tally(ZONE_PICKS, Set.of());
      assertThat(counts.keySet()).containsAnyElementsOf(p0).containsAnyElementsOf(p1.subList(1, 4));
      assertThat(share(counts, p0)).isBetween(0.35, 0.65);
    }
  }

  @Test
  void priorityLoadWithEveryEndpointHealthyIsTheLowestPriorityPresent() {
    Endpoint primary1 = zoned("a", 1, 0);
    Endpoint primary2 = zoned("b", 2, 0);
    Endpoint failover = zoned("a", 3, 1);
    try (Wrapped w = wrappedInZone("a")) {
      w.update(List.of(failover, primary1, primary2), List.of());
      assertThat(w.tally(PICKS, Set.of()).keySet()).isSubsetOf(primary1, primary2);

      w.update(List.of(failover), List.of()); // the primaries are no longer discovered at all
      assertThat(w.tally(PICKS, Set.of()).keySet()).containsOnly(failover);
    }
  }

  @Test
  void wrappedItReportsNoHealthyEndpointNamingTheServiceWhenEveryEndpointIsExcluded() {
    try (Wrapped w = wrappedInZone("a")) {
      w.update(List.of(), zoned("a", 3));

      PickResult result = w.context.pick(PickRequest.empty());
      assertThat(result.hasEndpoint()).isFalse();
      assertThat(result.isPending()).isFalse();
      assertThat(result.reason()).contains(SERVICE);
    }
  }

  /** Request {@code i}: every other one carries a hash key, distinct per {@code i}. */
  protected PickRequest request(int i) {
    return i % 2 == 0 ? PickRequest.empty() : PickRequest.withHashKey("key-" + i);
  }

  /** Endpoint {@code 10.0.0.<i>:8080}. */
  protected static Endpoint endpoint(int i) {
    return Endpoint.of("10.0.0." + i, 8080);
  }

  protected static List<Endpoint> endpoints(int... ids) {
    List<Endpoint> out = new ArrayList<>();
    for (int id : ids) {
      out.add(endpoint(id));
    }
    return out;
  }

  /** Picks, asserts an endpoint was chosen, and completes the attempt. */
  protected static Endpoint pickedEndpoint(Picker picker, PickRequest request) {
    PickResult result = picker.pick(request);
    assertThat(result.hasEndpoint()).as("picked %s", result).isTrue();
    assertThat(result.tracker()).isNotNull();
    result.tracker().onComplete(1_000_000, true);
    return result.endpoint();
  }

  private void exercise(Picker picker) {
    for (int i = 0; i < PICKS; i++) {
      pickedEndpoint(picker, request(i));
    }
  }
}
