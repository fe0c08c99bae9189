package io.mesh4j.samples;

import io.mesh4j.MeshClient;
import io.mesh4j.config.PropertySource;
import io.mesh4j.event.HedgeSent;
import io.mesh4j.event.HedgeWon;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Load balancing beyond picking the fastest endpoint, in three short scenes over mTLS "orders"
 * backends (as in {@link OrdersDemo}), every count taken at the backends:
 *
 * <ol>
 *   <li><b>zones</b>: a client in zone a keeps its requests in zone a while it is healthy, and
 *       moves them to zone b without a failed request when zone a's backends die;
 *   <li><b>slow start</b>: a backend added live gets a share that ramps up over {@code
 *       lb.slow-start.window} instead of its full share at once;
 *   <li><b>hedging</b>: one backend stalls on one request in ten; {@code hedge.delay} sends such a
 *       request again to another backend, and the tail latency drops for a few % more requests.
 * </ol>
 *
 * Run it with {@code mvn -B -q -Pdemo -DskipTests verify
 * -Ddemo.main=io.mesh4j.samples.LoadBalancingDemo}.
 */
public final class LoadBalancingDemo {

  private static final int CALLERS = 4;
  private static final long ZONE_PHASE_MILLIS = 2_000;
  private static final long SLOW_START_BUCKET_MILLIS = 500;
  private static final int SLOW_START_BUCKETS = 8;
  private static final int HEDGING_WARM_UP = 300;
  private static final int HEDGING_REQUESTS = 800;

  private LoadBalancingDemo() {}

  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /** Runs the three scenes, printing to {@code out}; returns what the backends and callers saw. */
  public static Result run(PrintStream out) throws Exception {
    try (OrdersWorkload orders = OrdersWorkload.start()) {
      Zones zones = zones(orders, out);
      SlowStart slowStart = slowStart(orders, out);
      Hedging hedging = hedging(orders, out);
      out.println("\nEvery MeshClient and backend closed: their threads, timers and connections are gone.");
      return new Result(zones, slowStart, hedging);
    }
  }

  /** What each scene showed. */
  public record Result(Zones zones, SlowStart slowStart, Hedging hedging) {}

  /**
   * Scene 1. Per backend, the requests served while both zones were up and after zone a died;
   * the failed requests of each phase; the requests answered after zone a died.
   */
  public record Zones(
      Map<String, Long> servedHealthy,
      long failedHealthy,
      Map<String, Long> servedAfterKill,
      long answeredAfterKill,
      long failedAfterKill) {

    /** The share of the healthy phase's requests that zone a's backends served. */
    public double zoneAShareHealthy() {
      return share(servedHealthy, "a");
    }

    /** The share of the requests served after zone a died that zone b's backends served. */
    public double zoneBShareAfterKill() {
      return share(servedAfterKill, "b");
    }

    /** Requests zone b's backends served after zone a died. */
    public long zoneBServedAfterKill() {
      return inZone(servedAfterKill, "b");
    }
  }

  /** Scene 2. The new backend's share of each 500 ms bucket since it was added; failed requests. */
  public record SlowStart(List<Double> newBackendShares, long failed) {}

  /** Scene 3. The same load without and with hedging. */
  public record Hedging(HedgingRun without, HedgingRun with) {}

  /** One run of scene 3: latencies, hedges, failures and what each backend served. */
  public record HedgingRun(
      int requests,
      long failed,
      double p50Millis,
      double p99Millis,
      double maxMillis,
      long hedgesSent,
      long hedgesWon,
      Map<String, Long> served) {

    public long backendRequests() {
      return served.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 1. zones

  private static Zones zones(OrdersWorkload orders, PrintStream out) throws Exception {
    out.println("== 1. Zones: the frontend is in zone a; orders has three backends in zone a, three in b");
    List<OrdersBackend> backends = new ArrayList<>();
    try {
      for (String zone : List.of("a", "b")) {
        for (int i = 1; i <= 3; i++) {
          backends.add(OrdersBackend.start("orders-" + i + "-" + zone, 2, orders.tlsServer()));
        }
      }
      List<String> endpoints = new ArrayList<>();
      for (OrdersBackend b : backends) {
        endpoints.add(b.address() + ";zone=" + zoneOf(b));
      }
      Map<String, String> properties = new LinkedHashMap<>();
      properties.put("mesh.locality.zone", "a");
      properties.put("mesh.services.orders.endpoints", String.join(",", endpoints));
      properties.put("mesh.services.orders.timeout", "2s");
      // retries at their defaults (2 attempts): the retry of a failure in zone a goes to zone b
      print(out, properties);
      try (MeshClient mesh = client(orders, properties)) {
        OrdersLoad load = OrdersLoad.start(mesh.wrap(new OkHttpClient()), CALLERS);
        BackendCounts counts = new BackendCounts(backends);
        try {
          Thread.sleep(ZONE_PHASE_MILLIS); // the demo's pacing: traffic runs
          Map<String, Long> healthy = counts.sinceLast();
          long failedHealthy = load.failed();
          out.printf("%n   %d callers, %.1f s, both zones up; served by:%n", CALLERS, ZONE_PHASE_MILLIS / 1000.0);
          printServed(out, healthy);
          out.printf("   zone a: %.1f %% of the requests; failed requests: %s%n",
              100 * share(healthy, "a"), load.failuresSinceLast());

          out.println("\n   zone a's three backends are killed while the callers keep calling");
          backends.stream().filter(b -> zoneOf(b).equals("a")).forEach(OrdersBackend::close);
          long answeredBefore = load.answered();
          counts.sinceLast();
          Thread.sleep(ZONE_PHASE_MILLIS); // the demo's pacing: traffic runs over the dead zone
          Map<String, Long> afterKill = counts.sinceLast();
          long answeredAfterKill = load.answered() - answeredBefore;
          long failedAfterKill = load.failed() - failedHealthy;
          out.printf("   %.1f s after the kill: %d requests answered, served by:%n", ZONE_PHASE_MILLIS / 1000.0,
              answeredAfterKill);
          printServed(out, afterKill);
          out.printf("   failed requests: %s%n", load.failuresSinceLast());
          return new Zones(healthy, failedHealthy, afterKill, answeredAfterKill, failedAfterKill);
        } finally {
          load.stop();
        }
      }
    } finally {
      backends.forEach(OrdersBackend::close);
    }
  }

  private static String zoneOf(OrdersBackend backend) {
    return backend.name().substring(backend.name().length() - 1);
  }

  /** The share of the requests in {@code served} that backends of {@code zone} served. */
  private static double share(Map<String, Long> served, String zone) {
    long total = served.values().stream().mapToLong(Long::longValue).sum();
    return total == 0 ? 0 : inZone(served, zone) / (double) total;
  }

  private static long inZone(Map<String, Long> served, String zone) {
    return served.entrySet().stream()
        .filter(e -> e.getKey().endsWith("-" + zone))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  // ---------------------------------------------------------------------------------------------
  // 2. slow start

  private static SlowStart slowStart(OrdersWorkload orders, PrintStream out) throws Exception {
    out.println("\n== 2. Slow start: three backends serve; a fourth is added live and ramps up over 3 s");
    List<OrdersBackend> backends = new ArrayList<>();
    try {
      for (int i = 1; i <= 4; i++) {
        backends.add(OrdersBackend.start("orders-" + i, 2, orders.tlsServer()));
      }
      Map<String, String> properties = new LinkedHashMap<>();
      properties.put("mesh.services.orders.endpoints", addresses(backends.subList(0, 3)));
      properties.put("mesh.services.orders.timeout", "2s");
      properties.put("mesh.services.orders.lb.slow-start.window", "3s");
      // random: a backend's share is its weight's, so the ramp shows as it is; with peak-ewma it is
      // mixed with each backend's latency estimate
      properties.put("mesh.services.orders.lb", "random");
      print(out, properties);
      try (MeshClient mesh = client(orders, properties)) {
        OrdersLoad load = OrdersLoad.start(mesh.wrap(new OkHttpClient()), CALLERS);
        try {
          Thread.sleep(1_000); // the demo's pacing: the three serve before the fourth joins
          properties.put("mesh.services.orders.endpoints", addresses(backends));
          mesh.apply(mesh.configLoader().source(PropertySource.fromMap(withCa(orders, properties), "demo")).load());
          out.println("\n   MeshClient.apply: mesh.services.orders.endpoints=<the three>," + backends.get(3).address());
          out.println("   orders-4's share of the requests, per 500 ms since it was added (fair share: 25 %):");
          BackendCounts counts = new BackendCounts(backends);
          List<Double> shares = new ArrayList<>();
          for (int bucket = 0; bucket < SLOW_START_BUCKETS; bucket++) {
            Thread.sleep(SLOW_START_BUCKET_MILLIS); // the demo's pacing: one bucket of traffic
            Map<String, Long> served = counts.sinceLast();
            long total = served.values().stream().mapToLong(Long::longValue).sum();
            double share = total == 0 ? 0 : served.get("orders-4") / (double) total;
            shares.add(share);
            out.printf("   %4d-%4d ms  %5.1f %%  %-25s (%d of %d)%n", bucket * SLOW_START_BUCKET_MILLIS,
                (bucket + 1) * SLOW_START_BUCKET_MILLIS, 100 * share, "#".repeat((int) Math.round(100 * share)),
                served.get("orders-4"), total);
          }
          out.printf("   failed requests: %s%n", load.failuresSinceLast());
          return new SlowStart(shares, load.failed());
        } finally {
          load.stop();
        }
      }
    } finally {
      backends.forEach(OrdersBackend::close);
    }
  }

  private static String addresses(List<OrdersBackend> backends) {
    List<String> out = new ArrayList<>();
    backends.forEach(b -> out.add(b.address()));
    return String.join(",", out);
  }

  // ---------------------------------------------------------------------------------------------
  // 3. hedging

  private static Hedging hedging(OrdersWorkload orders, PrintStream out) throws Exception {
    out.println("\n== 3. Hedging: three backends; orders-3 answers one request in ten after 300 ms");
    List<OrdersBackend> backends = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        backends.add(OrdersBackend.start("orders-" + i, 2, orders.tlsServer()));
      }
      backends.get(2).slowEvery(10, 300);
      Map<String, String> properties = new LinkedHashMap<>();
      properties.put("mesh.services.orders.endpoints", addresses(backends));
      properties.put("mesh.services.orders.timeout", "2s");
      // peak-ewma (the default) would already keep orders-3 almost idle after its first stall, so
      // there would be little for hedging to do: round-robin gives it its third, stalls included
      properties.put("mesh.services.orders.lb", "round-robin");
      print(out, properties);
      HedgingRun without = hedgingRun("without hedging", orders, properties, backends, out);
      properties.put("mesh.services.orders.hedge.delay", "p95");
      out.println("\n   the same with mesh.services.orders.hedge.delay=p95 (a percentile needs 200 samples"
          + " first: the warm-up gives them)");
      HedgingRun with = hedgingRun("with hedge.delay=p95", orders, properties, backends, out);
      out.printf("%n   p99 %.1f ms -> %.1f ms, max %.1f ms -> %.1f ms, for %+.1f %% backend requests%n",
          without.p99Millis(), with.p99Millis(), without.maxMillis(), with.maxMillis(),
          100.0 * (with.backendRequests() - without.backendRequests()) / without.backendRequests());
      return new Hedging(without, with);
    } finally {
      backends.forEach(OrdersBackend::close);
    }
  }

  private static HedgingRun hedgingRun(String title, OrdersWorkload orders, Map<String, String> properties,
      List<OrdersBackend> backends, PrintStream out) throws Exception {
    try (MeshClient mesh = client(orders, properties)) {
      AtomicLong sent = new AtomicLong();
      AtomicLong won = new AtomicLong();
      mesh.events().subscribe(HedgeSent.class, e -> sent.incrementAndGet());
      mesh.events().subscribe(HedgeWon.class, e -> won.incrementAndGet());
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      callAll(http, HEDGING_WARM_UP, new LatencyStats()); // JIT, TLS connections, latency samples
      long sentBefore = sent.get();
      long wonBefore = won.get();
      BackendCounts counts = new BackendCounts(backends);
      LatencyStats latencies = new LatencyStats();
      long failed = callAll(http, HEDGING_REQUESTS, latencies);
      Map<String, Long> served = counts.sinceLast();
      HedgingRun run = new HedgingRun(HEDGING_REQUESTS, failed, latencies.percentileMillis(0.5),
          latencies.percentileMillis(0.99), latencies.percentileMillis(1.0), sent.get() - sentBefore,
          won.get() - wonBefore, served);
      out.printf("%n   %s: %d requests, %d callers, %d failed%n", title, HEDGING_REQUESTS, CALLERS, failed);
      out.printf("     latency   p50 %6.1f ms   p99 %6.1f ms   max %6.1f ms%n",
          run.p50Millis(), run.p99Millis(), run.maxMillis());
      out.printf("     hedges    sent %d, won %d%n", run.hedgesSent(), run.hedgesWon());
      out.printf("     served by");
      served.forEach((name, n) -> out.printf("  %s %d", name, n));
      out.printf("  (%d backend requests)%n", run.backendRequests());
      return run;
    }
  }

  /** {@code requests} GETs from {@link #CALLERS} threads; returns how many failed. */
  private static long callAll(OkHttpClient http, int requests, LatencyStats latencies) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicLong failed = new AtomicLong();
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    for (int t = 0; t < CALLERS; t++) {
      callers.execute(() -> {
        for (int item = next.getAndIncrement(); item < requests; item = next.getAndIncrement()) {
          Request request = new Request.Builder().url("http://orders/items/" + item).build();
          long t0 = System.nanoTime();
          try (Response r = http.newCall(request).execute()) {
            r.body().string();
            latencies.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
            if (!r.isSuccessful()) {
              failed.incrementAndGet();
            }
          } catch (IOException e) {
            failed.incrementAndGet();
          }
        }
      });
    }
    callers.shutdown();
    callers.awaitTermination(1, TimeUnit.MINUTES);
    return failed.get();
  }

  // ---------------------------------------------------------------------------------------------

  /** The frontend's MeshClient: these properties and the dev CA, isolated from the environment. */
  private static MeshClient client(OrdersWorkload orders, Map<String, String> properties) {
    MeshClient.Builder builder =
        MeshClient.builder().service("frontend").environment(Map.of()).systemProperties(new Properties());
    withCa(orders, properties).forEach(builder::property);
    return builder.build();
  }

  private static Map<String, String> withCa(OrdersWorkload orders, Map<String, String> properties) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("mesh.service", "frontend");
    all.put("mesh.tls.dev-ca.dir", orders.caDir().toString());
    all.putAll(properties);
    return all;
  }

  private static void print(PrintStream out, Map<String, String> properties) {
    properties.forEach((k, v) -> out.println("   " + k + "=" + v));
  }

  private static void printServed(PrintStream out, Map<String, Long> served) {
    StringBuilder line = new StringBuilder("  ");
    served.forEach((name, n) -> line.append(String.format("  %s %5d", name, n)));
    out.println(line);
  }
}
