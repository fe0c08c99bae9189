package io.mesh4j.benchmarks;

import io.mesh4j.MeshClient;
import io.mesh4j.internal.lb.PeakEwmaVariants;
import io.mesh4j.lb.LoadBalancerProvider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.HdrHistogram.Histogram;

/**
 * Not JMH: the scenarios that chose peak-EWMA's constants (issue 10), run through a real MeshClient
 * against {@link TuningBackend}s on loopback, every policy variant after the other in one JVM, so
 * their figures are comparable. Traffic is counted at the backends. Usage:
 *
 * <pre>
 * java -cp mesh-benchmarks/target/benchmarks.jar io.mesh4j.benchmarks.PeakEwmaTuningHarness \
 *     [--scenarios slow,allfast,cold,stall,failing] [--repeat 1] \
 *     [--policies peak-ewma-baseline,peak-ewma,round-robin,ewma:decay=1s:rtt=10ms:w=16:fail=2]
 * </pre>
 *
 * A policy {@code ewma:decay=D:rtt=R:w=N:fail=F} is mesh-core's peak-EWMA with {@code
 * lb.peak-ewma.decay=D}, {@code lb.peak-ewma.default-rtt=R}, a lower sample moving the estimate 1/N
 * of the way, and a failure a peak of F × the last estimate (omitted parts: mesh-core's values).
 * Scenarios (seconds):
 *
 * <ul>
 *   <li>{@code slow}: five backends, one answers in 20 ms, four in 2 ms; four caller threads, 11 s,
 *       the first second not counted. The slow one's share of requests, and latency percentiles.
 *   <li>{@code allfast}: the same with all five in 2 ms: the p99 to compare {@code slow}'s with.
 *   <li>{@code cold}: two backends in 2 ms, one of which answers its first request in 300 ms; one
 *       caller thread, 8 s. Each one's share from 2 s on.
 *   <li>{@code stall}: five backends in 2 ms, four threads, 20 s; backend 0 answers in 2 s from
 *       second 2 to 5 (a stall of 3 s), then in 2 ms again. Its share during the stall, and the
 *       first second after its recovery in which it had at least half its fair share (10 %).
 *   <li>{@code failing}: five backends in 2 ms, one answers 503 at once; four threads, 8 s, the first
 *       second not counted. Its share of requests (no retries: mesh-resilience is not here).
 * </ul>
 */
public final class PeakEwmaTuningHarness {

  private static final String PATH = "/items/42";

  /** One policy to run: the {@code lb} name, the keys to set, and the provider to register if any. */
  private record Policy(String label, String lb, Map<String, String> keys, LoadBalancerProvider provider) {}

  /** What a scenario measured for one policy, printed as {@code name=value} pairs. */
  private record Result(String scenario, String policy, Map<String, String> values) {}

  private PeakEwmaTuningHarness() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    List<String> scenarios = List.of(options.getOrDefault("scenarios", "slow,allfast,cold,stall,failing").split(","));
    List<Policy> policies = new ArrayList<>();
    for (String spec : options.getOrDefault("policies", "peak-ewma-baseline,peak-ewma,round-robin").split(",")) {
      policies.add(policy(spec));
    }
    int repeat = Integer.parseInt(options.getOrDefault("repeat", "1"));
    JdkHttpBackend.enableNoDelay();
    // warm the client and server code once, unrecorded, so the first policy is not the one paying
    run("allfast", policy("round-robin"), 3);
    List<Result> results = new ArrayList<>();
    for (int r = 0; r < repeat; r++) {
      for (String scenario : scenarios) {
        for (Policy p : policies) {
          Result result = run(scenario, p, -1);
          results.add(result);
          System.out.println(format(result));
        }
      }
    }
    System.out.println();
    System.out.println("# summary");
    for (String scenario : scenarios) {
      results.stream().filter(r -> r.scenario().equals(scenario)).forEach(r -> System.out.println(format(r)));
    }
  }

  private static String format(Result r) {
    return String.format(Locale.ROOT, "%-8s %-40s %s", r.scenario(), r.policy(),
        r.values().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
  }

  private static Policy policy(String spec) {
    if (!spec.startsWith("ewma:")) {
      return new Policy(spec, spec, Map.of(), null);
    }
    Map<String, String> keys = new LinkedHashMap<>();
    double w = 16;
    double fail = 2;
    for (String part : spec.substring(5).split(":")) {
      String[] kv = part.split("=", 2);
      switch (kv[0]) {
        case "decay" -> keys.put("lb.peak-ewma.decay", kv[1]);
        case "rtt" -> keys.put("lb.peak-ewma.default-rtt", kv[1]);
        case "w" -> w = Double.parseDouble(kv[1]);
        case "fail" -> fail = Double.parseDouble(kv[1]);
        default -> throw new IllegalArgumentException("unknown part " + part + " of " + spec);
      }
    }
    String name = "ewma-" + Integer.toHexString(spec.hashCode());
    return new Policy(spec, name, keys, PeakEwmaVariants.of(name, 1 / w, fail));
  }

  /** @param seconds the scenario's length, or -1 for its own */
  private static Result run(String scenario, Policy policy, int seconds) throws Exception {
    return switch (scenario) {
      case "slow" -> slow(policy, false, seconds > 0 ? seconds : 11);
      case "allfast" -> slow(policy, true, seconds > 0 ? seconds : 11);
      case "cold" -> cold(policy, seconds > 0 ? seconds : 8);
      case "stall" -> stall(policy, seconds > 0 ? seconds : 20);
      case "failing" -> failing(policy, seconds > 0 ? seconds : 8);
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    };
  }

  private static Result slow(Policy policy, boolean allFast, int seconds) throws Exception {
    long start = System.nanoTime();
    List<TuningBackend> backends = backends(start, seconds, 5, 2);
    try {
      backends.get(0).delayNanos = allFast ? 2_000_000 : 20_000_000;
      Load load = drive(policy, backends, start, 4, seconds, 1, i -> {});
      int total = total(backends, 1, seconds);
      Map<String, String> v = new LinkedHashMap<>();
      v.put("slowShare%", pct(backends.get(0).arrivals(1, seconds), total));
      v.put("requests", Integer.toString(total));
      v.putAll(load.percentiles());
      return new Result(allFast ? "allfast" : "slow", policy.label(), v);
    } finally {
      backends.forEach(TuningBackend::close);
    }
  }

  private static Result cold(Policy policy, int seconds) throws Exception {
    long start = System.nanoTime();
    List<TuningBackend> backends = backends(start, seconds, 2, 2);
    try {
      backends.get(1).firstDelayNanos = 300_000_000;
      drive(policy, backends, start, 1, seconds, 0, i -> {});
      Map<String, String> v = new LinkedHashMap<>();
      v.put("coldShare0-2s%", pct(backends.get(1).arrivals(0, 2), total(backends, 0, 2)));
      v.put("coldShare2s-end%", pct(backends.get(1).arrivals(2, seconds), total(backends, 2, seconds)));
      v.put("requests", Integer.toString(total(backends, 0, seconds)));
      StringBuilder perSecond = new StringBuilder();
      for (int s = 0; s < seconds; s++) {
        perSecond.append(s == 0 ? "" : ",").append(pct(backends.get(1).arrivals(s, s + 1), total(backends, s, s + 1)));
      }
      v.put("coldPerSecond%", perSecond.toString());
      return new Result("cold", policy.label(), v);
    } finally {
      backends.forEach(TuningBackend::close);
    }
  }

  private static Result stall(Policy policy, int seconds) throws Exception {
    long start = System.nanoTime();
    List<TuningBackend> backends = backends(start, seconds, 5, 2);
    try {
      TuningBackend stalled = backends.get(0);
      drive(policy, backends, start, 4, seconds, 0, elapsedSeconds -> {
        stalled.delayNanos = elapsedSeconds >= 2 && elapsedSeconds < 5 ? 2_000_000_000L : 2_000_000;
      });
      Map<String, String> v = new LinkedHashMap<>();
      v.put("duringStall%", pct(stalled.arrivals(2, 5), total(backends, 2, 5)));
      String back = "never";
      StringBuilder perSecond = new StringBuilder();
      for (int s = 5; s < seconds; s++) {
        int mine = stalled.arrivals(s, s + 1);
        int all = total(backends, s, s + 1);
        perSecond.append(s == 5 ? "" : ",").append(pct(mine, all));
        if (back.equals("never") && all > 0 && mine * 10 >= all) {
          back = (s + 1 - 5) + "s";
        }
      }
      v.put("halfFairShareWithin", back);
      v.put("after5-15s%", pct(stalled.arrivals(5, 15), total(backends, 5, 15)));
      v.put("perSecondAfter%", perSecond.toString());
      v.put("requests", Integer.toString(total(backends, 0, seconds)));
      return new Result("stall", policy.label(), v);
    } finally {
      backends.forEach(TuningBackend::close);
    }
  }

  private static Result failing(Policy policy, int seconds) throws Exception {
    long start = System.nanoTime();
    List<TuningBackend> backends = backends(start, seconds, 5, 2);
    try {
      backends.get(0).delayNanos = 0;
      backends.get(0).failing = true;
      drive(policy, backends, start, 4, seconds, 1, i -> {});
      int total = total(backends, 1, seconds);
      Map<String, String> v = new LinkedHashMap<>();
      v.put("failingShare%", pct(backends.get(0).arrivals(1, seconds), total));
      v.put("requests", Integer.toString(total));
      return new Result("failing", policy.label(), v);
    } finally {
      backends.forEach(TuningBackend::close);
    }
  }

  private static List<TuningBackend> backends(long start, int seconds, int count, double delayMillis)
      throws Exception {
    List<TuningBackend> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(TuningBackend.start(start, seconds, delayMillis));
    }
    return out;
  }

  private static int total(List<TuningBackend> backends, double from, double to) {
    return backends.stream().mapToInt(b -> b.arrivals(from, to)).sum();
  }

  private static String pct(int part, int total) {
    return total == 0 ? "-" : String.format(Locale.ROOT, "%.2f", 100.0 * part / total);
  }

  /** Client-side latencies recorded after the unrecorded first seconds. */
  private record Load(Histogram latencies) {
    Map<String, String> percentiles() {
      Map<String, String> v = new LinkedHashMap<>();
      for (double p : new double[] {50, 99, 99.9}) {
        v.put("p" + (p == 99.9 ? "999" : Integer.toString((int) p)) + "ms",
            String.format(Locale.ROOT, "%.2f", latencies.getValueAtPercentile(p) / 1000.0));
      }
      return v;
    }
  }

  /**
   * Closed-loop calls from {@code threads} threads to {@code http://orders/} for {@code seconds}
   * from {@code start}; {@code script} is told each elapsed whole second (from a timer thread).
   */
  private static Load drive(Policy policy, List<TuningBackend> backends, long start, int threads, int seconds,
      int unrecordedSeconds, java.util.function.IntConsumer script) throws Exception {
    String endpoints = backends.stream().map(TuningBackend::authority).collect(Collectors.joining(","));
    OkHttpClient plain = new OkHttpClient.Builder()
        .connectionPool(new ConnectionPool(32, 5, TimeUnit.MINUTES))
        .build();
    MeshClient.Builder builder = BenchMesh.builder(endpoints, policy.lb(), policy.keys());
    if (policy.provider() != null) {
      builder.loadBalancer(policy.provider());
    }
    Histogram latencies = new Histogram(TimeUnit.SECONDS.toMicros(30), 3);
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    long recordFrom = start + TimeUnit.SECONDS.toNanos(unrecordedSeconds);
    AtomicBoolean failed = new AtomicBoolean();
    AtomicInteger errors = new AtomicInteger();
    try (MeshClient mesh = builder.build()) {
      OkHttpClient http = mesh.wrap(plain);
      Request request = new Request.Builder().url("http://" + BenchMesh.SERVICE + PATH).build();
      List<Thread> workers = new ArrayList<>();
      List<Histogram> perThread = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Histogram mine = new Histogram(TimeUnit.SECONDS.toMicros(30), 3);
        perThread.add(mine);
        Thread worker = new Thread(() -> {
          while (System.nanoTime() < end && !failed.get()) {
            long begin = System.nanoTime();
            try (Response response = http.newCall(request).execute()) {
              response.body().bytes();
            } catch (Exception e) {
              if (errors.incrementAndGet() > 1000) {
                failed.set(true);
              }
            }
            long done = System.nanoTime();
            if (begin >= recordFrom) {
              mine.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(done - begin), TimeUnit.SECONDS.toMicros(30)));
            }
          }
        }, "tuning-caller-" + t);
        workers.add(worker);
        worker.start();
      }
      int second = 0;
      while (System.nanoTime() < end) {
        script.accept(second);
        long next = start + TimeUnit.SECONDS.toNanos(++second);
        long wait = Math.min(next, end) - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      for (Thread w : workers) {
        w.join();
      }
      perThread.forEach(latencies::add);
    } finally {
      BenchMesh.shutdown(plain);
    }
    if (failed.get()) {
      throw new IllegalStateException(policy.label() + ": more than 1000 failed calls");
    }
    return new Load(latencies);
  }
}
