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
 * {@code http://orders/}, in alternating rounds after two warm-up batches of each. Prints throughput
 * and latency percentiles for both and the mesh/direct ratios. Bounded in count and time; stops
 * by itself. Usage: {@value HarnessOptions#USAGE}.
 */
public final class LoadHarness {

  enum Mode {
    DIRECT,
    MESH
  }

  private static final double[] PERCENTILES = {50, 90, 99, 99.9};

  private LoadHarness() {}

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
    String endpoints = backends.stream().map(JdkHttpBackend::authority).collect(Collectors.joining(","));
    // pools as large as the mesh's own (32 idle), so that direct calls do not churn connections
    OkHttpClient plain =
        new OkHttpClient.Builder().connectionPool(new ConnectionPool(32, 5, TimeUnit.MINUTES)).build();
    try (MeshClient mesh = BenchMesh.client(endpoints, options.lb(), Map.of())) {
      OkHttpClient wrapped = mesh.wrap(plain);
      Request[] direct = backends.stream().map(b -> get("http://" + b.authority() + "/items/42")).toArray(Request[]::new);
      Request viaMesh = get("http://" + BenchMesh.SERVICE + "/items/42");
      Map<Mode, IntFunction<Request>> requests = new EnumMap<>(Mode.class);
      requests.put(Mode.DIRECT, i -> direct[i % direct.length]);
      requests.put(Mode.MESH, i -> viaMesh);
      Map<Mode, OkHttpClient> clients = Map.of(Mode.DIRECT, plain, Mode.MESH, wrapped);

      System.out.printf(
          "LoadHarness: %d backends, %d requests per batch, concurrency %d, lb %s, %d rounds,"
              + " at most %ds; %d cores%n",
          options.backends(), options.requests(), options.concurrency(), options.lb(),
          options.rounds(), options.maxSeconds(), Runtime.getRuntime().availableProcessors());
      long batchNanos = TimeUnit.SECONDS.toNanos(options.maxSeconds()) / options.batches();
      int warmup = options.requests(); // JIT and connection pools settle before anything is recorded
      for (int i = 0; i < HarnessOptions.WARMUP_ROUNDS; i++) {
        for (Mode mode : Mode.values()) {
          LoadBatch.run(clients.get(mode), requests.get(mode), warmup, options.concurrency(), System.nanoTime() + batchNanos);
        }
      }
      Map<Mode, Totals> totals = new EnumMap<>(Mode.class);
      for (Mode mode : Mode.values()) {
        totals.put(mode, new Totals());
      }
      for (int round = 0; round < options.rounds(); round++) {
        // ABBA order: direct, mesh, mesh, direct, ... so slow drift of a noisy machine cancels out
        Mode[] order = round % 2 == 0 ? new Mode[] {Mode.DIRECT, Mode.MESH} : new Mode[] {Mode.MESH, Mode.DIRECT};
        for (Mode mode : order) {
          LoadBatch.Result r =
              LoadBatch.run(
                  clients.get(mode), requests.get(mode), options.requests(), options.concurrency(),
                  System.nanoTime() + batchNanos);
          totals.get(mode).add(r);
          System.out.printf("  round %d %-6s %8.0f req/s  p50 %7.1f us  cpu %6.1f us/req  (%d ok, %d errors)%n",
              round + 1, mode, r.throughputPerSecond(), micros(r.latency().getValueAtPercentile(50)),
              r.cpuNanos() / 1000.0 / Math.max(1, r.completed()), r.completed(), r.errors());
        }
      }
      print(totals.get(Mode.DIRECT), totals.get(Mode.MESH));
    } finally {
      plain.dispatcher().executorService().shutdown();
      plain.connectionPool().evictAll();
    }
  }

  private static void print(Totals direct, Totals mesh) {
    System.out.printf("%-12s %12s %12s %10s%n", "", "direct", "mesh", "mesh/direct");
    row("req/s", direct.throughput(), mesh.throughput());
    row("cpu us/req", direct.cpuMicrosPerRequest(), mesh.cpuMicrosPerRequest());
    for (double p : PERCENTILES) {
      row("p" + p + " us", micros(direct.latency.getValueAtPercentile(p)), micros(mesh.latency.getValueAtPercentile(p)));
    }
    row("max us", micros(direct.latency.getMaxValue()), micros(mesh.latency.getMaxValue()));
    System.out.printf("%-12s %12d %12d%n", "errors", direct.errors, mesh.errors);
  }

  private static void row(String label, double direct, double mesh) {
    System.out.printf("%-12s %12.1f %12.1f %10.3f%n", label, direct, mesh, mesh / direct);
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
