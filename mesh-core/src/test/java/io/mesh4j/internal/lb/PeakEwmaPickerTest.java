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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PeakEwmaPickerTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final Duration DECAY = Duration.ofSeconds(10);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final MeshClock clock =
      new MeshClock() {
        @Override
        public long nanoTime() {
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

  @Test
  void shiftsTrafficAwayFromASlowEndpointAndBackAfterItRecoversAndTheEstimateDecays() {
    ConcurrentLoad load = new ConcurrentLoad(newPicker(List.of(fast, slow)));

    // one request a millisecond; fast answers in 10ms, slow in 200ms, for 10 seconds
    load.run(10_000, 200);
    double slowShareWhileSlow = load.slowShareSinceLastRun();
    // slow is healthy again; after 30s (three decay times) look at the next 10s
    load.run(30_000, 10);
    load.slowShareSinceLastRun();
    load.run(10_000, 10);
    double slowShareRecovered = load.slowShareSinceLastRun();

    assertThat(slowShareWhileSlow).isLessThan(0.1);
    assertThat(slowShareRecovered).isBetween(0.25, 0.75);
  }

  /** Open-loop traffic on the manual clock: a new request every millisecond, several in flight. */
  private final class ConcurrentLoad {
    private record InFlight(long dueNanos, PickResult result, long latencyNanos) {}

    private final Picker picker;
    private final java.util.PriorityQueue<InFlight> inFlight =
        new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(InFlight::dueNanos));
    private int requests;
    private int toSlow;

    ConcurrentLoad(Picker picker) {
      this.picker = picker;
    }

    void run(int millis, long slowLatencyMs) {
      for (int i = 0; i < millis; i++) {
        long t = now.addAndGet(MS);
        while (!inFlight.isEmpty() && inFlight.peek().dueNanos() <= t) {
          InFlight done = inFlight.poll();
          done.result().tracker().onComplete(done.latencyNanos(), true);
        }
        PickResult r = picker.pick(PickRequest.empty());
        boolean isSlow = r.endpoint().equals(slow);
        long latency = (isSlow ? slowLatencyMs : 10) * MS;
        inFlight.add(new InFlight(t + latency, r, latency));
        requests++;
        toSlow += isSlow ? 1 : 0;
      }
    }

    double slowShareSinceLastRun() {
      double share = toSlow / (double) requests;
      requests = 0;
      toSlow = 0;
      return share;
    }
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

    // a forgotten estimate would make slow look new, and so tried at once
    assertThat(slowShare(after, 20, 200)).isZero();
  }

  @Test
  void aHigherSampleReplacesTheEstimateAtOnce() {
    PeakEwmaLoad load = new PeakEwmaLoad(clock, DECAY.toNanos());
    for (int i = 0; i < 10; i++) {
      load.observe(10 * MS, now.addAndGet(10 * MS));
    }

    load.observe(500 * MS, now.addAndGet(10 * MS));

    assertThat(load.latencyNanos(now.get())).isEqualTo(500.0 * MS);
  }

  @Test
  void withoutSamplesTheEstimateDecaysByOneOverEPerDecayTime() {
    PeakEwmaLoad load = new PeakEwmaLoad(clock, DECAY.toNanos());
    load.observe(500 * MS, now.get());

    double afterOneDecay = load.latencyNanos(now.get() + DECAY.toNanos());

    assertThat(afterOneDecay).isCloseTo(500.0 * MS / Math.E, within(1.0));
  }

  @Test
  void aFastFailureDoesNotMakeAnEndpointLookFaster() {
    PeakEwmaLoad load = new PeakEwmaLoad(clock, DECAY.toNanos());
    load.observe(300 * MS, now.get());
    load.started();

    load.onComplete(1 * MS, false);

    assertThat(load.latencyNanos(now.get())).isEqualTo(300.0 * MS);
    assertThat(load.get()).isZero();
  }

  @Test
  void decayDefaultsToTenSecondsAndRejectsZero() {
    assertThat(PeakEwmaProvider.DECAY.defaultValue()).isEqualTo(Duration.ofSeconds(10));
    assertThat(PeakEwmaProvider.DECAY.parser().parse("250ms")).isEqualTo(Duration.ofMillis(250));
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> PeakEwmaProvider.DECAY.parser().parse("0s"));
  }

  /** Sends requests one after another; slow answers in {@code slowMs}, fast in 10ms. */
  private double slowShare(Picker picker, int requests, long slowMs) {
    int toSlow = 0;
    for (int i = 0; i < requests; i++) {
      PickResult r = picker.pick(PickRequest.empty());
      boolean isSlow = r.endpoint().equals(slow);
      toSlow += isSlow ? 1 : 0;
      complete(r, isSlow ? slowMs : 10);
    }
    return toSlow / (double) requests;
  }

  private void complete(PickResult r, long latencyMs) {
    now.addAndGet(latencyMs * MS);
    r.tracker().onComplete(latencyMs * MS, true);
  }

  @Test
  void concurrentCompletionsNeverPublishATornEstimate() throws Exception {
    // every sample is its own timestamp, so in every pair published latency == time: a higher sample
    // replaces both, a lower one (an older timestamp, no time elapsed) leaves both as they were
    PeakEwmaLoad load = new PeakEwmaLoad(clock, DECAY.toNanos());
    java.util.regex.Pattern pair = java.util.regex.Pattern.compile("latencyNanos=([0-9.E]+), atNanos=(\\d+)");
    java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong(1);
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
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
      int reads = 0;
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
    assertThat(load.toString()).contains("latencyNanos=");
  }

  @Test
  void aNewDecayFromALiveEditRestartsTheEstimatesAndTheSameDecayKeepsThem() {
    List<Endpoint> one = List.of(slow);
    PeakEwmaPicker first = (PeakEwmaPicker) newPicker(one);
    first.pick(io.mesh4j.lb.PickRequest.empty()).tracker().onComplete(80 * MS, true);

    PeakEwmaPicker sameDecay = (PeakEwmaPicker) newPicker(one);
    PeakEwmaPicker newDecay = (PeakEwmaPicker) pickers.newPicker(
        one, Endpoints.update(one, java.util.Map.of(PeakEwmaProvider.DECAY, Duration.ofSeconds(2))));

    assertThat(sameDecay.cost(0, now.get())).as("the estimate survives an update").isGreaterThan(0);
    assertThat(newDecay.cost(0, now.get())).as("a new time constant starts afresh").isZero();
  }

  private io.mesh4j.lb.Picker newPicker(List<Endpoint> endpoints) {
    return pickers.newPicker(endpoints, Endpoints.update(endpoints, java.util.Map.of(PeakEwmaProvider.DECAY, DECAY)));
  }
}
