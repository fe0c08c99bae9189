package io.mesh4j.benchmarks;

import io.mesh4j.MeshClient;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop load on loopback only: N JDK HttpServers, the same request count and concurrency
 * sent straight to the backends (the workers rotate over their URLs) and through the mesh to
 * {@code http://orders/}, in alternating rounds after two warm-up rounds. Prints throughput, CPU
 * per request and latency percentiles for both and the mesh/direct ratios. Bounded in count and
 * time; stops by itself. Usage: {@value HarnessOptions#USAGE}.
 */
public final class LoadHarness {

  private enum Mode {
    DIRECT,
    MESH
  }

  /** What one mode sends: through which client, and the i-th request of a batch. */
  private record Target(OkHttpClient client, IntFunction<Request> requestFor) {}

  private static final double[] PERCENTILES = {50, 90, 99, 99.9};
  private static final String PATH = "/items/42";

  private final HarnessOptions options;
  private final Map<Mode, Target> targets;
  private final long batchNanos;

  private LoadHarness(HarnessOptions options, Map<Mode, Target> targets) {
    this.options = options;
    this.targets = targets;
    this.batchNanos = TimeUnit.SECONDS.toNanos(options.maxSeconds()) / options.batches();
  }

  public static void main(String[] args) throws Exception {
    HarnessOptions options = HarnessOptions.parse(args);
    JdkHttpBackend.enableNoDelay();
    List<JdkHttpBackend> backends = new ArrayList<>();
    try {
      for (int i = 0; i < options.backends(); i++) {
        backends.add(JdkHttpBackend.start(Math.max(2, options.concurrency())));
      }
      run(options, backends);
    } finally {
      for (JdkHttpBackend b : backends) {
        b.close();
      }
    }
  }

  private static void run(HarnessOptions options, List<JdkHttpBackend> backends) throws Exception {
    String endpoints =
        backends.stream().map(JdkHttpBackend::authority).collect(Collectors.joining(","));
    // as many idle connections as the mesh's own pool keeps (32), so direct calls do not churn
    OkHttpClient plain =
        new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(32, 5, TimeUnit.MINUTES))
            .build();
    try (MeshClient mesh = BenchMesh.client(endpoints, options.lb(), Map.of())) {
      Request[] direct =
          backends.stream().map(b -> get("http://" + b.authority() + PATH)).toArray(Request[]::new);
      Request viaMesh = get("http://" + BenchMesh.SERVICE + PATH);
      Map<Mode, Target> targets = new EnumMap<>(Mode.class);
      targets.put(Mode.DIRECT, new Target(plain, i -> direct[i % direct.length]));
      targets.put(Mode.MESH, new Target(mesh.wrap(plain), i -> viaMesh));
      new LoadHarness(options, targets).warmUpAndMeasure();
    } finally {
      BenchMesh.shutdown(plain);
    }
  }

  private void warmUpAndMeasure() throws InterruptedException {
    System.out.printf(
        "LoadHarness: %d backends, %d requests per batch, concurrency %d, lb %s, %d rounds,"
            + " at most %ds; %d cores%n",
        options.backends(), options.requests(), options.concurrency(), options.lb(),
        options.rounds(), options.maxSeconds(), Runtime.getRuntime().availableProcessors());
    // nothing recorded until C2 and the connection pools have settled for both paths
    for (int i = 0; i < HarnessOptions.WARMUP_ROUNDS; i++) {
      for (Mode mode : Mode.values()) {
        batch(mode);
      }
    }
    Map<Mode, Totals> totals = new EnumMap<>(Mode.class);
    for (Mode mode : Mode.values()) {
      totals.put(mode, new Totals());
    }
    for (int round = 0; round < options.rounds(); round++) {
      // direct, mesh, mesh, direct, ...: the slow drift of a shared machine falls on both
      Mode[] order =
          round % 2 == 0 ? new Mode[] {Mode.DIRECT, Mode.MESH} : new Mode[] {Mode.MESH, Mode.DIRECT};
      for (Mode mode : order) {
        LoadBatch.Result r = batch(mode);
        totals.get(mode).add(r);
        System.out.printf(
            "  round %d %-6s %8.0f req/s  p50 %7.1f us  cpu %6.1f us/req  (%d ok, %d errors)%n",
            round + 1, mode, r.throughputPerSecond(),
            micros(r.latency().getValueAtPercentile(50)),
            r.cpuNanos() / 1000.0 / Math.max(1, r.completed()), r.completed(), r.errors());
      }
    }
    print(totals.get(Mode.DIRECT), totals.get(Mode.MESH));
  }

  private LoadBatch.Result batch(Mode mode) throws InterruptedException {
    Target t = targets.get(mode);
    return LoadBatch.run(
        t.client(), t.requestFor(), options.requests(), options.concurrency(),
        System.nanoTime() + batchNanos);
  }

  private static void print(Totals direct, Totals mesh) {
    System.out.printf("%-12s %12s %12s %12s%n", "", "direct", "mesh", "mesh/direct");
    row("req/s", direct.throughput(), mesh.throughput());
    row("cpu us/req", direct.cpuMicrosPerRequest(), mesh.cpuMicrosPerRequest());
    for (double p : PERCENTILES) {
      row("p" + p + " us", micros(direct.latency.getValueAtPercentile(p)),
          micros(mesh.latency.getValueAtPercentile(p)));
    }
    row("max us", micros(direct.latency.getMaxValue()), micros(mesh.latency.getMaxValue()));
    System.out.printf("%-12s %12d %12d%n", "errors", direct.errors, mesh.errors);
  }

  private static void row(String label, double direct, double mesh) {
    System.out.printf("%-12s %12.1f %12.1f %12.3f%n", label, direct, mesh, mesh / direct);
  }

  private static double micros(long nanos) {
    return nanos / 1000.0;
  }

  private static Request get(String url) {
    return new Request.Builder().url(url).build();
  }

  /** Measured batches of one mode, added up. */
  private static final class Totals {
    final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    long completed;
    long errors;
    long elapsedNanos;
    long cpuNanos;

    void add(LoadBatch.Result r) {
      latency.add(r.latency());
      completed += r.completed();
      errors += r.errors();
      elapsedNanos += r.elapsedNanos();
      cpuNanos += r.cpuNanos();
    }

    double throughput() {
      return completed * 1e9 / elapsedNanos;
    }

    double cpuMicrosPerRequest() {
      return cpuNanos / 1000.0 / completed;
    }
  }
}
