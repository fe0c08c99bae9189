package io.mesh4j.benchmarks;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.internal.lb.PeakEwmaVariants;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import io.mesh4j.testing.lb.TestLoadBalancerContext;
import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark-only, deterministic: peak-EWMA's picker on a simulated clock (no sockets, no
 * scheduler noise), four closed-loop callers over five endpoints, one answering in 20 ms and four
 * in 2 ms except that one answer in {@code N} takes 40 ms (a scheduling stall). Prints the slow
 * endpoint's share of 40 000 requests (mean of 5 seeds) for a grid of decay times and lower-sample
 * weights: how much each constant matters once the machine's noise is taken out. Then the other
 * side of the lower-sample weight: one endpoint whose answers take 40 ms one time in five (2 ms
 * otherwise; a mean of 9.6 ms against the others' 2 ms), no stalls elsewhere: its share. Usage:
 *
 * <pre>
 * java -cp mesh-benchmarks/target/benchmarks.jar io.mesh4j.benchmarks.PeakEwmaSimulation
 * </pre>
 */
public final class PeakEwmaSimulation {

  private static final long MS = 1_000_000;

  private PeakEwmaSimulation() {}

  public static void main(String[] args) {
    for (int stallEvery : new int[] {200, 1000}) {
      for (long decayMs : new long[] {250, 500, 1000}) {
        StringBuilder line = new StringBuilder(
            String.format(Locale.ROOT, "stall 1/%-4d decay %4d ms:", stallEvery, decayMs));
        for (int w : new int[] {4, 8, 16, 32}) {
          double sum = 0;
          for (int seed = 0; seed < 5; seed++) {
            sum += slowShare(stallEvery, Duration.ofMillis(decayMs), w, seed);
          }
          line.append(String.format(Locale.ROOT, "  w=1/%-2d %.2f%%", w, 100 * sum / 5));
        }
        System.out.println(line);
      }
    }
    for (long decayMs : new long[] {250, 500, 1000}) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "intermittent decay %4d ms:", decayMs));
      for (int w : new int[] {4, 8, 16, 32}) {
        double sum = 0;
        for (int seed = 0; seed < 5; seed++) {
          sum += slowShare(0, Duration.ofMillis(decayMs), w, seed);
        }
        line.append(String.format(Locale.ROOT, "  w=1/%-2d %.2f%%", w, 100 * sum / 5));
      }
      System.out.println(line);
    }
  }

  /** @param stallEvery one fast answer in this many stalls 40 ms; 0: the slow one is intermittent */
  private static double slowShare(int stallEvery, Duration decay, int w, int seed) {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    MeshClock clock = new MeshClock() {
      @Override
      public long nanoTime() {
        return now.get();
      }

      @Override
      public long wallMillis() {
        return now.get() / MS;
      }
    };
    LoadBalancerProvider policy = PeakEwmaVariants.of("peak-ewma-sim", 1.0 / w, 2);
    @SuppressWarnings("unchecked")
    ConfigKey<Duration> decayKey = (ConfigKey<Duration>) policy.serviceKeys().stream()
        .filter(k -> k.name().equals("lb.peak-ewma.decay")).findFirst().orElseThrow();
    List<Endpoint> five = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      five.add(Endpoint.of("10.0.0." + i, 8080));
    }
    Endpoint slow = five.get(0);
    try (TestLoadBalancerContext context =
            TestLoadBalancerContext.forService("orders").clock(clock).set(decayKey, decay).build();
        LoadBalancer balancer = policy.newLoadBalancer(context)) {
      balancer.update(context.update(five));
      return slowShare(context.picker(), slow, stallEvery, seed, now);
    }
  }

  private static double slowShare(Picker picker, Endpoint slow, int stallEvery, int seed, AtomicLong now) {
    Random random = new Random(seed);
    record InFlight(long due, PickResult result, long latency) {}
    PriorityQueue<InFlight> inFlight = new PriorityQueue<>(Comparator.comparingLong(InFlight::due));
    int toSlow = 0;
    int requests = 40_000;
    for (int sent = 0; sent < requests; sent++) {
      if (inFlight.size() == 4) {
        InFlight done = inFlight.poll();
        now.set(Math.max(now.get(), done.due()));
        done.result().tracker().onComplete(done.latency(), true);
      }
      PickResult r = picker.pick(PickRequest.empty());
      long latency;
      if (stallEvery == 0) {
        latency = r.endpoint().equals(slow) && random.nextInt(5) == 0 ? 40 * MS : 2 * MS;
      } else {
        latency = r.endpoint().equals(slow) ? 20 * MS : random.nextInt(stallEvery) == 0 ? 40 * MS : 2 * MS;
      }
      inFlight.add(new InFlight(now.get() + latency, r, latency));
      toSlow += r.endpoint().equals(slow) ? 1 : 0;
    }
    return toSlow / (double) requests;
  }
}
