package io.mesh4j.benchmarks.sidebyside;

import io.mesh4j.testing.ExternalProcess;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The overhead ladder, side by side in one run: raw OkHttp, mesh4j (core pipeline, all modules,
 * mTLS), OkHttp through an HAProxy hop and through an HAProxy mTLS pair, and Armeria's WebClient,
 * all sending {@code GET /items/42} to the same nginx backends. Rounds interleave the variants
 * (rotated order each round); each variant is warmed up first and each sample is preceded by an
 * unrecorded lead-in. Writes the shared result JSON and prints the tables. Exit code 0 unless the
 * harness itself broke (figures never fail it); 2 on a bad command line.
 *
 * <pre>
 * java -cp mesh-benchmarks/target/benchmarks.jar io.mesh4j.benchmarks.sidebyside.SideBySide --smoke
 * mesh-benchmarks/side-by-side.sh --rounds 3 --round-seconds 5 --modes closed,open-1000
 * </pre>
 */
public final class SideBySide {

  private final Options options;
  private final Backends backends;
  private final Report report;

  private SideBySide(Options options, Backends backends, Report report) {
    this.options = options;
    this.backends = backends;
    this.report = report;
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println(e.getMessage());
      }
      System.err.print(Options.USAGE);
      System.exit(2);
      return;
    }
    // nginx and HAProxy are this JVM's children: end them whatever way it exits (Ctrl-C included)
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy), "side-by-side-cleanup"));
    try {
      run(options, args);
      System.exit(0);
    } catch (Throwable t) {
      System.err.println("SideBySide failed: " + t);
      t.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(Options options, String[] args) throws Exception {
    Instant started = Instant.now();
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    Report report = new Report(started, command(args), load, settings(options));
    System.out.printf("overhead-ladder: %s; %d cores, load %.2f%n", describe(options),
        Runtime.getRuntime().availableProcessors(), load);
    Path dir = Files.createTempDirectory("side-by-side");
    try {
      if (!ExternalProcess.onPath("nginx")) {
        for (String v : options.variants()) {
          report.unavailable(v, "nginx not installed (Debian package nginx-light): every variant calls it");
        }
        finish(options, report, List.of());
        return;
      }
      Pki pki = Pki.create(dir.resolve("pki"));
      try (Backends backends = Backends.start(dir.resolve("nginx"), pki)) {
        new SideBySide(options, backends, report).measure(new Variants(backends, pki, dir));
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  private void measure(Variants factory) throws Exception {
    List<Variant> variants = new ArrayList<>();
    try {
      for (String name : options.variants()) {
        start(factory, name).ifPresent(variants::add);
      }
      for (Variant v : variants) {
        LoadRunner.run(v.call(), LoadMode.closed(), options.threads(), options.warmupSeconds());
      }
      for (int round = 1; round <= options.rounds(); round++) {
        // rotated each round: the slow drift of a shared machine falls on every variant in turn
        List<Variant> order = new ArrayList<>(variants);
        java.util.Collections.rotate(order, -(round - 1));
        for (LoadMode mode : options.modes()) {
          for (Variant v : order) {
            Sample s = sample(v, mode, round);
            report.add(s);
            System.out.printf("  round %d %-9s %-18s %9.0f req/s  p50 %8.1f us  p99 %8.1f us  cpu %6.1f us/req"
                    + "  total %6.1f us/req  %s errors%n",
                round, mode, v.name(), s.throughput(), nz(s.latency("p50")), nz(s.latency("p99")),
                nz(s.cpuNanosPerRequest()) / 1000, nz(s.totalCpuNanosPerRequest()) / 1000, s.errors());
          }
        }
      }
    } finally {
      for (Variant v : variants) {
        try {
          v.close();
        } catch (Exception e) {
          System.err.println("closing " + v.name() + ": " + e);
        }
      }
    }
    finish(options, report, variants);
  }

  /** Sets the variant up and checks one request works; otherwise lists it as unavailable. */
  private java.util.Optional<Variant> start(Variants factory, String name) {
    String reason = Variants.unavailableReason(name);
    if (reason != null) {
      report.unavailable(name, reason);
      System.out.println("  " + name + " unavailable: " + reason);
      return java.util.Optional.empty();
    }
    Variant v = null;
    try {
      v = factory.create(name);
      v.call().run();
      return java.util.Optional.of(v);
    } catch (Exception | AssertionError e) {
      String why = String.join(" | ", e.toString().lines().filter(l -> !l.isBlank()).limit(8).toList());
      report.unavailable(name, "could not start or send a first request: " + why);
      System.out.println("  " + name + " unavailable: " + why);
      if (v != null) {
        try {
          v.close();
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
      }
      return java.util.Optional.empty();
    }
  }

  private Sample sample(Variant v, LoadMode mode, int round) throws Exception {
    AccessLogCounter log = backends.accessLog();
    Map<Integer, Long> start = log.counts();
    LoadRunner.Result leadIn = LoadRunner.run(v.call(), mode, options.threads(), options.leadInSeconds());
    Map<Integer, Long> before = log.settle(start, v.backendPorts(), leadIn.attempts());
    Map<Integer, Long> connectionsBefore = log.connections();

    long cpu0 = JvmMeters.processCpuNanos();
    long external0 = ProcessCpu.nanos(v.externalProcesses());
    Map<Long, Long> alloc0 = JvmMeters.allocatedBytesByThread();
    LoadRunner.Result r = LoadRunner.run(v.call(), mode, options.threads(), options.roundSeconds());
    Map<Long, Long> alloc1 = JvmMeters.allocatedBytesByThread();
    long external1 = ProcessCpu.nanos(v.externalProcesses());
    long cpu1 = JvmMeters.processCpuNanos();

    Map<Integer, Long> after = log.settle(before, v.backendPorts(), r.attempts());
    long reached = AccessLogCounter.delta(before, after, v.backendPorts());
    long connectionsOpened = AccessLogCounter.delta(connectionsBefore, log.connections(), v.backendPorts());
    long portsHit = v.backendPorts().stream()
        .filter(p -> after.getOrDefault(p, 0L) > before.getOrDefault(p, 0L)).count();

    double seconds = r.elapsedNanos() / 1e9;
    long ok = r.ok();
    Double cpu = ok == 0 || cpu0 < 0 ? null : (double) (cpu1 - cpu0) / ok;
    Double total = cpu == null ? null : cpu + (double) (external1 - external0) / ok;
    long others = JvmMeters.allocatedBetween(alloc0, alloc1);
    long allocated = others < 0 || r.workerAllocatedBytes() < 0 ? -1 : others + r.workerAllocatedBytes();
    Double alloc = ok == 0 || allocated < 0 ? null : (double) allocated / ok;

    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("backendRequestsPerRequest", r.attempts() == 0 ? null : Sample.round3((double) reached / r.attempts()));
    extra.put("backendsReached", portsHit);
    // connections nginx saw opened (for the HAProxy variants: HAProxy's to nginx); a steady state opens none
    extra.put("backendConnectionsOpened", connectionsOpened);
    extra.put("externalCpuNanosPerRequest", ok == 0 ? null : Sample.round1((double) (external1 - external0) / ok));
    if (mode.isOpen()) {
      extra.put("intendedRate", mode.ratePerSecond());
      extra.put("notSent", r.notSent());
    }
    if (r.firstError() != null) {
      extra.put("firstError", r.firstError());
    }
    if (r.attempts() > 0 && (Math.abs((double) reached / r.attempts() - 1) > 0.01 || portsHit < v.backendPorts().size())) {
      System.out.printf("  WARNING %s %s round %d: nginx logged %d requests on %d of %d ports for %d sent%n",
          v.name(), mode, round, reached, portsHit, v.backendPorts().size(), r.attempts());
    }
    return new Sample(v.name(), round, mode.name(), ok, r.errors(), seconds, ok / seconds, cpu, total, alloc,
        Sample.percentiles(r.latency()), extra);
  }

  private static void finish(Options options, Report report, List<Variant> variants) throws IOException {
    report.summarize(variants, options.modes());
    report.print(System.out, variants, options.modes());
    Path file = report.write(options.out());
    System.out.println();
    System.out.println("results: " + file);
  }

  private static double nz(Double d) {
    return d == null ? Double.NaN : d;
  }

  private static String describe(Options o) {
    return String.format("%d rounds x %.1f s, warm-up %.1f s, lead-in %.2f s, %d closed-loop threads, modes %s,"
            + " variants %s", o.rounds(), o.roundSeconds(), o.warmupSeconds(), o.leadInSeconds(), o.threads(),
        o.modes(), o.variants());
  }

  private static Map<String, Object> settings(Options o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("threads", o.threads());
    m.put("rounds", o.rounds());
    m.put("roundSeconds", o.roundSeconds());
    m.put("warmupSeconds", o.warmupSeconds());
    m.put("leadInSeconds", o.leadInSeconds());
    m.put("modes", o.modes().stream().map(LoadMode::name).toList());
    m.put("variants", o.variants());
    m.put("openLoopWorkers", LoadRunner.OPEN_WORKERS);
    m.put("connectionPoolSize", Variants.POOL_SIZE);
    m.put("request", "GET " + Variants.PATH + ", HTTP/1.1, keep-alive");
    m.put("backends", "one nginx (1 worker): 3 plaintext server blocks, 3 mTLS (TLS 1.3, ssl_verify_client on),"
        + " return 200 \"ok\\n\"");
    m.put("smoke", o.smoke());
    return m;
  }

  private static String command(String[] args) {
    return ProcessHandle.current().info().commandLine()
        .orElse("java " + SideBySide.class.getName() + " " + String.join(" ", args));
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
