package io.mesh4j.internal.lb;

import static io.mesh4j.internal.lb.Endpoints.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * peak-EWMA's estimate and picker on a manual clock: every behaviour its constants were chosen
 * for, with the bounds they promise (see docs/load-balancing.md). Traffic simulations here are
 * deterministic in time; only the P2C draws are random, so shares get generous bounds.
 */
class PeakEwmaPickerTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final Duration DECAY = PeakEwmaProvider.DECAY.defaultValue();
  private static final Duration DEFAULT_RTT = PeakEwmaProvider.DEFAULT_RTT.defaultValue();
  private static final PeakEwmaTuning TUNING = PeakEwmaTuning.of(DECAY, DEFAULT_RTT);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final java.util.concurrent.atomic.AtomicInteger clockReads = new java.util.concurrent.atomic.AtomicInteger();
  private final MeshClock clock =
      new MeshClock() {
        @Override
        public long nanoTime() {
          clockReads.incrementAndGet();
          return now.get();
        }

        @Override
        public long wallMillis() {
          return now.get() / MS;
        }
      };
  private final PeakEwmaProvider.Pickers pickers = new PeakEwmaProvider.Pickers(clock);

  private final Endpoint fast = endpoint(1);
  private final Endpoint slow = endpoint(2);

  // --- the estimate ---

  @Test
  void aNewEndpointStartsFromTheDefaultEstimateWhichDecaysLikeAMeasuredOne() {
    PeakEwmaLoad load = new PeakEwmaLoad(clock, TUNING);

    assertThat(load.isMeasured()).isFalse();
    assertThat(load.latencyNanos(now.get())).isEqualTo((double) DEFAULT_RTT.toNanos());
    assertThat(load.latencyNanos(now.get() + DECAY.toNanos()))
        .isCloseTo(DEFAULT_RTT.toNanos() / Math.E, within(1.0));
  }

  @Test
  void aFirstAnswerFasterThanTheDefaultBecomesTheEstimateASlowerOneMovesItOneStepAndPeaksCountFromTheSecond() {
    double rtt = DEFAULT_RTT.toNanos();
    double step = PeakEwmaTuning.LOWER_SAMPLE_WEIGHT;
    PeakEwmaLoad fastFirst = new PeakEwmaLoad(clock, TUNING);
    PeakEwmaLoad coldFirst = new PeakEwmaLoad(clock, TUNING);

    fastFirst.observe(0.1 * rtt, now.get());
    coldFirst.observe(300 * MS, now.get()); // connecting, a TLS handshake, a cold JIT
    double afterCold = coldFirst.latencyNanos(now.get());
    coldFirst.observe(300 * MS, now.get()); // slow again: now it is a peak

    assertThat(fastFirst.isMeasured()).isTrue();
    assertThat(fastFirst.latencyNanos(now.get())).isCloseTo(0.1 * rtt, within(1.0));
    assertThat(afterCold).isCloseTo(rtt + (300 * MS - rtt) * step, within(1.0));
    assertThat(coldFirst.latencyNanos(now.get())).isEqualTo(300.0 * MS);
  }

  @Test
  void aHigherSampleReplacesTheEstimateAtOnce() {
    PeakEwmaLoad load = measuredLoad();
    for (int i = 0; i < 10; i++) {
      load.observe(10 * MS, now.addAndGet(10 * MS));
    }

    load.observe(500 * MS, now.addAndGet(10 * MS));

    assertThat(load.latencyNanos(now.get())).isEqualTo(500.0 * MS);
  }

  @Test
  void aLonePeakIsForgottenAfterABoundedNumberOfLowerSamplesHoweverCloseTogether() {
    PeakEwmaLoad load = measuredLoad();
    load.observe(2 * MS, now.get());
    load.observe(60 * MS, now.get()); // a 60 ms scheduling stall on a 2 ms endpoint
    double keep = 1 - PeakEwmaTuning.LOWER_SAMPLE_WEIGHT;
    int halving = (int) Math.ceil(Math.log(0.5) / Math.log(keep)); // 6 with 1/8
    int within2Percent = (int) Math.ceil(Math.log(0.02) / Math.log(keep)); // 30 with 1/8

    // lower samples at the same instant: no time passes, only the per-sample weight acts
    for (int i = 0; i < halving; i++) {
      load.observe(2 * MS, now.get());
    }
    double afterHalving = load.latencyNanos(now.get());
    for (int i = halving; i < within2Percent; i++) {
      load.observe(2 * MS, now.get());
    }
    double afterBound = load.latencyNanos(now.get());

    assertThat(halving).isLessThanOrEqualTo(11);
    assertThat(within2Percent).isLessThanOrEqualTo(60);
    assertThat(afterHalving).isLessThan(2 * MS + 58 * MS * 0.5)
        .isCloseTo(2 * MS + 58 * MS * Math.pow(keep, halving), within(1.0));
    assertThat(afterBound).isLessThan(2 * MS + 58 * MS * 0.02);
  }

  @Test
  void withoutSamplesTheEstimateDecaysByOneOverEPerDecayTime() {
    PeakEwmaLoad load = measuredLoad();
    load.observe(500 * MS, now.get());

    double afterOneDecay = load.latencyNanos(now.get() + DECAY.toNanos());

    assertThat(afterOneDecay).isCloseTo(500.0 * MS / Math.E, within(1.0));
  }

  @Test
  void aFailureNeverMakesAnEndpointLookFaster() {
    for (long elapsed : new long[] {0, DECAY.toNanos() / 10, DECAY.toNanos(), 5 * DECAY.toNanos()}) {
      PeakEwmaLoad measured = measuredLoad();
      measured.observe(300 * MS, now.get());
      PeakEwmaLoad fresh = new PeakEwmaLoad(clock, TUNING);
      long then = now.get() + elapsed;
      double measuredBefore = measured.latencyNanos(then);
      double freshBefore = fresh.latencyNanos(then);

      measured.observeFailure(1 * MS, then);
      fresh.observeFailure(0, then);

      assertThat(measured.latencyNanos(then)).as("after %s ns", elapsed).isGreaterThanOrEqualTo(measuredBefore);
      assertThat(fresh.latencyNanos(then)).as("after %s ns", elapsed).isGreaterThanOrEqualTo(freshBefore);
    }
  }

  @Test
  void aFailureCountsAsALatencyWhenItTookLonger() {
    PeakEwmaLoad load = measuredLoad();
    load.observe(2 * MS, now.get());

    load.observeFailure(2_000 * MS, now.get()); // a timeout

    assertThat(load.latencyNanos(now.get())).isEqualTo(2_000.0 * MS);
  }

  @Test
  void anEndpointThatKeepsFailingFastIsRetriedLessAndLessOftenUpToTheCap() {
    PeakEwmaLoad load = measuredLoad();
    load.observe(2 * MS, now.addAndGet(DECAY.toNanos() * 10)); // long after: a peak of 2 ms
    List<Double> estimates = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      // retried when it has decayed to what a 2 ms peer costs, fails at once
      while (load.latencyNanos(now.get()) > 2 * MS) {
        now.addAndGet(10 * MS);
      }
      load.observeFailure(0, now.get());
      estimates.add(load.latencyNanos(now.get()));
    }

    assertThat(estimates.get(0)).as("twice the last").isCloseTo(2 * 2.0 * MS, within(0.1 * MS));
    assertThat(estimates).isSorted();
    assertThat(estimates.get(19)).isEqualTo((double) PeakEwmaTuning.FAILURE_CAP.toNanos());
  }

  @Test
  void concurrentCompletionsNeverPublishATornEstimate() throws Exception {
    // every sample is its own timestamp, so every pair published has latency == time: a higher
    // sample replaces both, and a lower one (an older timestamp) moves nothing, as its weight is ~0
    PeakEwmaLoad load = new PeakEwmaLoad(clock, TUNING.withLowerSampleWeight(Double.MIN_VALUE));
    load.observe(now.get(), now.get()); // the first answer: (default, now)
    load.observe(now.get() + 1, now.get() + 1); // a peak: from here on, latency == time
    java.util.regex.Pattern pair = java.util.regex.Pattern.compile("latencyNanos=([0-9.E]+), atNanos=(\\d+)");
    AtomicLong next = new AtomicLong(now.get() + 2);
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable writer =
        () -> {
          while (!done.get()) {
            long t = next.getAndIncrement();
            load.observe(t, t);
          }
        };
    Thread[] writers = {new Thread(writer), new Thread(writer), new Thread(writer)};
    for (Thread w : writers) {
      w.start();
    }
    int reads = 0;
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
      while (System.nanoTime() < deadline || reads < 10_000) {
        java.util.regex.Matcher m = pair.matcher(load.toString());
        if (m.find()) {
          assertThat(Double.parseDouble(m.group(1))).isEqualTo((double) Long.parseLong(m.group(2)));
          reads++;
        }
      }
    } finally {
      done.set(true);
      for (Thread w : writers) {
        w.join();
      }
    }
    assertThat(reads).isGreaterThanOrEqualTo(10_000);
  }

  // --- the picker, on simulated traffic ---

  @Test
  void aSlowEndpointGetsAlmostNothingAndFastEndpointsPeaksDoNotHandItTraffic() {
    List<Endpoint> five = Endpoints.endpoints(5);
    Endpoint slowOne = five.get(0);
    Picker picker = newPicker(five);
    java.util.Random jitter = new java.util.Random(42);

    // 4 requests in flight at all times; fast ones answer in 2 ms but 1 in 1000 takes 40 ms (a
    // scheduling stall: about what this machine's p99.9 shows)
    Map<Endpoint, Integer> counts = closedLoop(picker, 4, 20_000, e -> {
      if (e.equals(slowOne)) {
        return 20 * MS;
      }
      return jitter.nextInt(1000) == 0 ? 40 * MS : 2 * MS;
    });

    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(counts.getOrDefault(slowOne, 0) / (double) total).isLessThan(0.02);
  }

  @Test
  void anIdenticalEndpointWhoseFirstAnswerWasSlowIsRetriedWithinTheBoundUnderSequentialTraffic() {
    Picker picker = newPicker(List.of(fast, slow));
    // one caller; both answer in 2 ms, but "slow"'s first answer takes 300 ms (a cold JVM). The
    // bound: the default estimate decays to a 2 ms peer's, then the 300 ms peak does
    long bound = retryBound(DEFAULT_RTT.toNanos(), 2 * MS) + 300 * MS + retryBound(300 * MS, 2 * MS);
    long end = now.get() + bound + 3_000 * MS;
    long measureFrom = end - 3_000 * MS;
    boolean cold = true;
    int requests = 0;
    int toSlow = 0;
    while (now.get() < end) {
      PickResult r = picker.pick(PickRequest.empty());
      boolean isSlow = r.endpoint().equals(slow);
      if (now.get() >= measureFrom) {
        requests++;
        toSlow += isSlow ? 1 : 0;
      }
      complete(r, isSlow && cold ? 300 * MS : 2 * MS);
      cold &= !isSlow;
    }

    assertThat(toSlow / (double) requests).as("share after the bound").isBetween(0.2, 0.8);
  }

  @Test
  void aStalledEndpointGetsAlmostNothingDuringTheStallAndItsShareBackWithinTheBound() {
    List<Endpoint> five = Endpoints.endpoints(5);
    Endpoint stalled = five.get(0);
    OpenLoop load = new OpenLoop(newPicker(five));

    load.run(3_000, e -> 2 * MS);
    load.shareSinceLastRun(stalled);
    load.run(3_000, e -> e.equals(stalled) ? 2_000 * MS : 2 * MS); // a 3 s stall, 2 s answers
    double duringStall = load.shareSinceLastRun(stalled);
    // recovered: the bound is the time to decay from its last 2 s sample to a 2 ms peer's cost
    long boundMs = TimeUnit.NANOSECONDS.toMillis(retryBound(2_000 * MS, 2 * MS)) + 2_000;
    load.run((int) boundMs, e -> 2 * MS);
    load.shareSinceLastRun(stalled);
    load.run(2_000, e -> 2 * MS);
    double afterBound = load.shareSinceLastRun(stalled);

    assertThat(duringStall).isLessThan(0.01);
    assertThat(afterBound).as("at least half its fair share (20%%)").isGreaterThan(0.10);
    assertThat(boundMs).as("the bound the docs promise").isLessThanOrEqualTo(10_000);
  }

  @Test
  void twoIdenticalNewEndpointsShareSequentialTrafficFromTheFirstRequests() {
    Picker picker = newPicker(List.of(fast, slow));
    PickResult first = picker.pick(PickRequest.empty());
    complete(first, 2 * MS);
    PickResult second = picker.pick(PickRequest.empty());
    complete(second, 2 * MS);
    // the second request goes to the endpoint not measured yet, not to the one just measured
    assertThat(second.endpoint()).isNotEqualTo(first.endpoint());

    // one caller, both answer in 2 ms: 400 requests, 0.8 s, well before the default could decay
    int toFast = 0;
    for (int i = 0; i < 400; i++) {
      PickResult next = picker.pick(PickRequest.empty());
      toFast += next.endpoint().equals(fast) ? 1 : 0;
      complete(next, 2 * MS);
    }

    assertThat(toFast / 400.0).isBetween(0.3, 0.7);
  }

  @Test
  void aPickBetweenTwoIdleOrTwoBusyEndpointsReadsNoClockAndComparesAsOfNow() {
    Picker picker = newPicker(List.of(fast, slow));
    complete(picker.pick(PickRequest.empty()), 2 * MS);
    complete(picker.pick(PickRequest.empty()), 2 * MS); // both measured now
    // slow's answer was 40 ms a while ago, fast's 5 ms just now: decayed to now, slow is cheaper
    PickResult r = picker.pick(new PickRequest(null, java.util.Set.of(fast)));
    complete(r, 40 * MS);
    now.addAndGet(DECAY.toNanos() * 4); // 40 ms × e^-4 ≈ 0.7 ms
    r = picker.pick(new PickRequest(null, java.util.Set.of(slow)));
    complete(r, 5 * MS);
    clockReads.set(0);

    Endpoint idlePick = picker.pick(PickRequest.empty()).endpoint(); // left in flight
    int readsWhenIdle = clockReads.get();
    picker.pick(new PickRequest(null, java.util.Set.of(slow))); // fast busy too: both in flight
    clockReads.set(0);
    picker.pick(PickRequest.empty());

    assertThat(idlePick).as("the estimates compared as of now").isEqualTo(slow);
    assertThat(readsWhenIdle).isZero();
    assertThat(clockReads.get()).as("both busy").isZero();
  }

  @Test
  void anEndpointWithoutSamplesIsTriedOnceButNotFloodedBeforeItAnswers() {
    Picker picker = newPicker(List.of(fast));
    complete(picker.pick(PickRequest.empty()), 10);
    Picker withNew = newPicker(List.of(fast, slow));

    int toNew = 0;
    for (int i = 0; i < 50; i++) { // none of these calls completes
      if (withNew.pick(PickRequest.empty()).endpoint().equals(slow)) {
        toNew++;
      }
    }

    assertThat(toNew).isEqualTo(1);
  }

  @Test
  void latencyEstimateSurvivesAnEndpointUpdate() {
    Picker before = newPicker(List.of(fast, slow));
    slowShare(before, 200, 200);

    Picker after = newPicker(List.of(fast, slow, endpoint(3)));
    complete(after.pick(new PickRequest(null, java.util.Set.of(fast, slow))), 10); // measure the new one

    // a forgotten estimate would make slow start again from the default, and so be tried
    assertThat(slowShare(after, 20, 200)).isZero();
  }

  @Test
  void aNewDecayFromALiveEditRestartsTheEstimatesAndTheSameDecayKeepsThem() {
    List<Endpoint> one = List.of(slow);
    PeakEwmaPicker first = (PeakEwmaPicker) newPicker(one);
    first.pick(PickRequest.empty()).tracker().onComplete(80 * MS, true); // the first answer: one step
    first.pick(PickRequest.empty()).tracker().onComplete(80 * MS, true); // a peak: the estimate

    PeakEwmaPicker sameDecay = (PeakEwmaPicker) newPicker(one);
    PeakEwmaPicker newDecay = (PeakEwmaPicker) pickers.newPicker(
        one, Endpoints.update(one, Map.of(PeakEwmaProvider.DECAY, DECAY.multipliedBy(2))));

    assertThat(sameDecay.latencyNanos(0, now.get())).as("the estimate survives an update").isEqualTo(80.0 * MS);
    assertThat(newDecay.latencyNanos(0, now.get())).as("a new time constant starts afresh")
        .isEqualTo((double) DEFAULT_RTT.toNanos());
  }

  @Test
  void theDefaultRttIsAKeyAndALiveEditAppliesToTheEstimates() {
    List<Endpoint> one = List.of(slow);
    PeakEwmaPicker picker = (PeakEwmaPicker) pickers.newPicker(
        one, Endpoints.update(one, Map.of(PeakEwmaProvider.DEFAULT_RTT, Duration.ofMillis(250))));

    assertThat(picker.latencyNanos(0, now.get())).isEqualTo(250.0 * MS);
  }

  @Test
  void keysHaveTheDocumentedDefaultsAndRejectNonsense() {
    assertThat(PeakEwmaProvider.DECAY.defaultValue()).isEqualTo(Duration.ofMillis(250));
    assertThat(PeakEwmaProvider.DEFAULT_RTT.defaultValue()).isEqualTo(Duration.ofMillis(10));
    assertThat(PeakEwmaProvider.DECAY.parser().parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(PeakEwmaProvider.DEFAULT_RTT.parser().parse("0s")).isEqualTo(Duration.ZERO);
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> PeakEwmaProvider.DECAY.parser().parse("0s"));
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> PeakEwmaProvider.DEFAULT_RTT.parser().parse("-1ms"));
  }

  /** An estimate whose first answer (at the default RTT) is taken: the peak rule applies. */
  private PeakEwmaLoad measuredLoad() {
    PeakEwmaLoad load = new PeakEwmaLoad(clock, TUNING);
    load.observe(DEFAULT_RTT.toNanos(), now.get());
    return load;
  }

  /**
   * How long after its last sample of {@code peakNanos} an endpoint's estimate decays to a peer's
   * {@code peerNanos}: decay × ln(peak / peer), the retry bound the docs give.
   */
  private static long retryBound(long peakNanos, long peerNanos) {
    return (long) (DECAY.toNanos() * Math.log((double) peakNanos / peerNanos));
  }

  /** Sends requests one after another; slow answers in {@code slowMs}, fast in 10ms. */
  private double slowShare(Picker picker, int requests, long slowMs) {
    int toSlow = 0;
    for (int i = 0; i < requests; i++) {
      PickResult r = picker.pick(PickRequest.empty());
      boolean isSlow = r.endpoint().equals(slow);
      toSlow += isSlow ? 1 : 0;
      complete(r, isSlow ? slowMs * MS : 10 * MS);
    }
    return toSlow / (double) requests;
  }

  private void complete(PickResult r, long latencyNanos) {
    now.addAndGet(latencyNanos);
    r.tracker().onComplete(latencyNanos, true);
  }

  /**
   * {@code callers} callers, each sending its next request as its last one is answered, until
   * {@code requests} were sent; latencies by endpoint. Returns requests per endpoint.
   */
  private Map<Endpoint, Integer> closedLoop(
      Picker picker, int callers, int requests, java.util.function.ToLongFunction<Endpoint> latency) {
    record InFlight(long dueNanos, PickResult result, long latencyNanos) {}
    PriorityQueue<InFlight> inFlight = new PriorityQueue<>(Comparator.comparingLong(InFlight::dueNanos));
    Map<Endpoint, Integer> counts = new java.util.HashMap<>();
    for (int sent = 0; sent < requests; sent++) {
      if (inFlight.size() == callers) {
        InFlight done = inFlight.poll();
        now.set(Math.max(now.get(), done.dueNanos()));
        done.result().tracker().onComplete(done.latencyNanos(), true);
      }
      PickResult r = picker.pick(PickRequest.empty());
      long l = latency.applyAsLong(r.endpoint());
      inFlight.add(new InFlight(now.get() + l, r, l));
      counts.merge(r.endpoint(), 1, Integer::sum);
    }
    return counts;
  }

  /** Open-loop traffic on the manual clock: a new request every millisecond, several in flight. */
  private final class OpenLoop {
    private record InFlight(long dueNanos, PickResult result, long latencyNanos) {}

    private final Picker picker;
    private final PriorityQueue<InFlight> inFlight =
        new PriorityQueue<>(Comparator.comparingLong(InFlight::dueNanos));
    private final Map<Endpoint, Integer> counts = new java.util.HashMap<>();
    private int requests;

    OpenLoop(Picker picker) {
      this.picker = picker;
    }

    void run(int millis, java.util.function.ToLongFunction<Endpoint> latency) {
      for (int i = 0; i < millis; i++) {
        long t = now.addAndGet(MS);
        while (!inFlight.isEmpty() && inFlight.peek().dueNanos() <= t) {
          InFlight done = inFlight.poll();
          done.result().tracker().onComplete(done.latencyNanos(), true);
        }
        PickResult r = picker.pick(PickRequest.empty());
        long l = latency.applyAsLong(r.endpoint());
        inFlight.add(new InFlight(t + l, r, l));
        counts.merge(r.endpoint(), 1, Integer::sum);
        requests++;
      }
    }

    double shareSinceLastRun(Endpoint e) {
      double share = counts.getOrDefault(e, 0) / (double) requests;
      counts.clear();
      requests = 0;
      return share;
    }
  }

  private Picker newPicker(List<Endpoint> endpoints) {
    return pickers.newPicker(endpoints, Endpoints.update(endpoints));
  }
}
