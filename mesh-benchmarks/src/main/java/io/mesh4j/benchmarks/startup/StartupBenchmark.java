package io.mesh4j.benchmarks.startup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Startup time of {@code MeshClient.fromProperties} in fresh JVMs: launches {@code --runs} JVMs per
 * variant, interleaved round by round (so a noisy neighbour hits every variant alike), and prints
 * the median and spread of the time {@link StartupProbe} measures around {@code fromProperties},
 * and of the whole process (JVM start to exit).
 *
 * <p>Variants: {@code all} (core, tls with an existing dev CA, discovery with a file-discovered
 * service, resilience, tracing against OpenTelemetry's no-op), {@code all-new-ca} (the same, the
 * dev CA created by the run), and {@code core} (mesh-core alone). With {@code --before DIR} (a
 * checkout of another commit, compiled with {@code mvn compile}) each variant also runs with that
 * checkout's module classes in place of this one's: before and after in one run. {@code
 * --per-module} adds {@code core+tls}, {@code core+discovery}, ... (one module beside core): what
 * each module adds.
 *
 * <p>The child classpath is this JVM's minus what only the benchmarks use (JMH, JUnit, the
 * OpenTelemetry SDK, mesh-testing...), i.e. what an application depending on the modules gets.
 * JVM flags are the defaults (CDS on, {@code -Xshare:auto}); {@code --jvm-arg} adds some.
 *
 * <pre>{@code
 * mesh-benchmarks/startup-benchmark.sh --runs 10 --before /tmp/base --per-module
 * }</pre>
 */
public final class StartupBenchmark {

  /** Class path entries only the benchmarks need: an application using the mesh would not have them. */
  private static final List<String> BENCHMARK_ONLY = List.of(
      "/mesh-benchmarks/", "/mesh-testing", "/mesh-discovery-kubernetes", "/jmh-core/", "/jopt-simple/",
      "/commons-math3/", "/HdrHistogram/", "/opentelemetry-sdk", "/junit", "/opentest4j/", "/apiguardian",
      "/jspecify/", "/assertj", "/byte-buddy", "/awaitility/", "/hamcrest/", "/mockwebserver");

  /** What an application using mesh-core alone has on its class path. */
  private static final List<String> CORE_ONLY = List.of(
      "/mesh-core/", "/okhttp-jvm/", "/okio-jvm/", "/kotlin-stdlib/", "/org/jetbrains/annotations/",
      "/slf4j-api/", "/slf4j-simple/");

  /** Each module's classes and the jars it brings (the "core+module" variants of --per-module). */
  private static final Map<String, List<String>> MODULE_JARS = new LinkedHashMap<>();

  static {
    MODULE_JARS.put("tls", List.of("/mesh-tls/", "/org/bouncycastle/"));
    MODULE_JARS.put("discovery", List.of("/mesh-discovery/", "/com/fasterxml/jackson/", "/dnsjava/"));
    MODULE_JARS.put("resilience", List.of("/mesh-resilience/", "/resilience4j"));
    MODULE_JARS.put("tracing", List.of("/mesh-tracing/", "/io/opentelemetry/"));
  }

  private static final Pattern MODULE_CLASSES = Pattern.compile("(.*)/(mesh-[a-z-]+)/target/classes/?");
  private static final Pattern PROBE_LINE = Pattern.compile(
      "startup-nanos=(\\d+)\\s+main-cpu-ticks=(-?\\d+)\\s+process-cpu-ticks=(-?\\d+)");

  private StartupBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = 10;
    Path before = null;
    List<String> jvmArgs = new ArrayList<>();
    boolean perModule = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--before" -> before = Path.of(args[++i]).toAbsolutePath().normalize();
        case "--jvm-arg" -> jvmArgs.add(args[++i]);
        case "--per-module" -> perModule = true;
        default -> throw new IllegalArgumentException("usage: StartupBenchmark [--runs N] [--before CHECKOUT_DIR]"
            + " [--per-module] [--jvm-arg ARG]...; unknown " + args[i]);
      }
    }
    String loadBefore = loadAverage();
    Path work = Files.createTempDirectory("mesh4j-startup-");
    Path probeDir = extractProbe(work.resolve("probe"));
    List<String> afterCp = childClassPath(probeDir);
    List<Variant> variants = new ArrayList<>();
    for (String side : before == null ? List.of("after") : List.of("before", "after")) {
      List<String> cp = side.equals("after") ? afterCp : replaceModuleRoot(afterCp, before);
      variants.add(new Variant(side + " all", cp, MODULE_JARS.keySet(), false));
      variants.add(new Variant(side + " all-new-ca", cp, MODULE_JARS.keySet(), true));
      variants.add(new Variant(side + " core", withModules(cp, Set.of()), Set.of(), false));
    }
    if (perModule) {
      for (String module : MODULE_JARS.keySet()) {
        variants.add(new Variant("after core+" + module, withModules(afterCp, Set.of(module)), Set.of(module), false));
      }
    }
    Files.writeString(work.resolve("endpoints.json"),
        "{\"services\":{\"payments\":[{\"host\":\"127.0.0.1\",\"port\":9090}]}}");
    // One untimed start per class path creates the shared dev CA and warms the page cache.
    for (Variant v : variants) {
      launch(v, work, "warmup", jvmArgs);
    }
    Map<Variant, List<Sample>> samples = new LinkedHashMap<>();
    variants.forEach(v -> samples.put(v, new ArrayList<>()));
    for (int round = 0; round < runs; round++) {
      for (int k = 0; k < variants.size(); k++) {
        Variant v = variants.get((k + round) % variants.size()); // rotate who goes first
        samples.get(v).add(launch(v, work, "r" + round, jvmArgs));
      }
      System.err.printf(Locale.ROOT, "round %d/%d done%n", round + 1, runs);
    }
    print(samples, runs, jvmArgs);
    System.out.println("load average (1/5/15 min) before: " + loadBefore + "; after: " + loadAverage());
    deleteRecursively(work);
  }

  /** The machine's load average from /proc/loadavg: how busy the cores were (n/a elsewhere). */
  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "n/a";
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    }
  }

  /** One kind of start: its class path and which modules' keys its configuration uses. */
  private record Variant(String name, List<String> classPath, Set<String> modules, boolean newCa) {}

  /** Wall and CPU times of one start, in ms; CPU times are NaN where /proc is missing. */
  private record Sample(double startupMillis, double mainCpuMillis, double processCpuMillis, double processMillis) {}

  private static Sample launch(Variant v, Path work, String run, List<String> jvmArgs)
      throws IOException, InterruptedException {
    String caDir = v.newCa
        ? work.resolve("new-ca-" + v.name.replace(' ', '-') + "-" + run).toString()
        : work.resolve("ca").toString();
    StringBuilder props = new StringBuilder()
        .append("mesh.service=frontend\n")
        .append("mesh.config.watch=false\n")
        .append("mesh.services.orders.endpoints=127.0.0.1:8081,127.0.0.1:8082\n");
    if (v.modules.contains("tls")) {
      props.append("mesh.tls.dev-ca.dir=").append(caDir).append('\n');
    }
    if (v.modules.contains("discovery")) {
      props.append("mesh.services.payments.discovery=file\n")
          .append("mesh.discovery.file.path=").append(work.resolve("endpoints.json")).append('\n');
    }
    Path file = work.resolve("mesh-" + v.name.replace(' ', '-').replace('+', '-') + ".properties");
    Files.writeString(file, props);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, v.classPath),
        StartupProbe.class.getName(), file.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    long t0 = System.nanoTime();
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    long t1 = System.nanoTime();
    Matcher m = PROBE_LINE.matcher(out);
    if (exit != 0 || !m.find()) {
      throw new IllegalStateException(v.name + ": the probe failed (exit " + exit + "): " + out
          + "\nrerun: " + String.join(" ", cmd));
    }
    return new Sample(Long.parseLong(m.group(1)) / 1e6, ticksToMillis(m.group(2)), ticksToMillis(m.group(3)),
        (t1 - t0) / 1e6);
  }

  /** Linux clock ticks (USER_HZ, 100 on every mainstream kernel) to ms. */
  private static double ticksToMillis(String ticks) {
    long t = Long.parseLong(ticks);
    return t < 0 ? Double.NaN : t * 10.0;
  }

  private static void print(Map<Variant, List<Sample>> samples, int runs, List<String> jvmArgs) {
    System.out.printf(Locale.ROOT, "%d fresh JVMs per variant, interleaved; java %s; %d CPUs; JVM args: %s%n",
        runs, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
        jvmArgs.isEmpty() ? "(defaults)" : String.join(" ", jvmArgs));
    System.out.printf(Locale.ROOT, "%-19s | %-38s | %-13s | %-13s | %s%n", "variant",
        "fromProperties wall ms: median [min-max]", "main CPU ms", "process CPU ms", "JVM start-exit ms");
    for (Map.Entry<Variant, List<Sample>> e : samples.entrySet()) {
      List<Sample> s = e.getValue();
      double[] wall = sorted(s, Sample::startupMillis);
      System.out.printf(Locale.ROOT, "%-19s | %6.0f [%5.0f-%5.0f] (p25-p75 %4.0f-%4.0f) | %13.0f | %14.0f | %6.0f%n",
          e.getKey().name, quantile(wall, 0.5), wall[0], wall[wall.length - 1], quantile(wall, 0.25),
          quantile(wall, 0.75), quantile(sorted(s, Sample::mainCpuMillis), 0.5),
          quantile(sorted(s, Sample::processCpuMillis), 0.5), quantile(sorted(s, Sample::processMillis), 0.5));
    }
    System.out.println("CPU columns: medians, in 10 ms clock ticks of /proc; main CPU is the main thread's alone.");
  }

  private static double[] sorted(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
    return samples.stream().mapToDouble(f).sorted().toArray();
  }

  /** Linear interpolation between the closest ranks, as numpy's default. */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  /** The probe's class file alone in a directory, so the child gets none of the benchmarks' services files. */
  private static Path extractProbe(Path dir) throws IOException {
    String resource = StartupProbe.class.getName().replace('.', '/') + ".class";
    Path target = dir.resolve(resource);
    Files.createDirectories(target.getParent());
    try (InputStream in = StartupBenchmark.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("cannot find " + resource + " on the class path");
      }
      Files.copy(in, target);
    }
    return dir;
  }

  private static List<String> childClassPath(Path probeDir) {
    List<String> cp = new ArrayList<>();
    cp.add(probeDir.toString());
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      String unix = entry.replace('\\', '/');
      if (BENCHMARK_ONLY.stream().noneMatch(unix::contains)) {
        cp.add(entry);
      }
    }
    return cp;
  }

  /** The probe, mesh-core's class path, and the jars of {@code modules}. */
  private static List<String> withModules(List<String> cp, Set<String> modules) {
    List<String> wanted = new ArrayList<>(CORE_ONLY);
    modules.forEach(m -> wanted.addAll(MODULE_JARS.get(m)));
    List<String> out = new ArrayList<>();
    out.add(cp.get(0)); // the probe
    cp.stream().skip(1).filter(e -> wanted.stream().anyMatch(e.replace('\\', '/')::contains)).forEach(out::add);
    return out;
  }

  /** The same class path with each {@code <root>/mesh-x/target/classes} taken from {@code checkout}. */
  private static List<String> replaceModuleRoot(List<String> cp, Path checkout) {
    return cp.stream().map(e -> {
      Matcher m = MODULE_CLASSES.matcher(e.replace('\\', '/'));
      if (!m.matches()) {
        return e;
      }
      Path other = checkout.resolve(m.group(2)).resolve("target/classes");
      if (!Files.isDirectory(other)) {
        throw new IllegalArgumentException(other + " does not exist: run mvn compile in " + checkout + " first");
      }
      return other.toString();
    }).collect(Collectors.toList());
  }
}
