package io.mesh4j.benchmarks.sidebyside;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The run's result: the shared JSON file, and the plain-text tables printed at the end. */
final class Report {

  static final String SCENARIO = "overhead-ladder";
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final Instant started;
  private final String command;
  private final double loadAtStart;
  private final Map<String, Object> settings;
  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, String> unavailable = new LinkedHashMap<>();
  private final List<SummaryRow> summary = new ArrayList<>();

  Report(Instant started, String command, double loadAtStart, Map<String, Object> settings) {
    this.started = started;
    this.command = command;
    this.loadAtStart = loadAtStart;
    this.settings = settings;
  }

  void add(Sample s) {
    samples.add(s);
  }

  void unavailable(String variant, String reason) {
    unavailable.put(variant, reason);
  }

  List<Sample> samples() {
    return samples;
  }

  void summarize(List<Variant> variants, List<LoadMode> modes) {
    for (LoadMode mode : modes) {
      for (Variant v : variants) {
        SummaryRow.of(v, mode.name(), samples).ifPresent(summary::add);
      }
    }
  }

  /** Writes {@code <scenario>-<yyyyMMdd-HHmmss>.json} to {@code dir}; returns its path. */
  Path write(Path dir) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("scenario", SCENARIO);
    root.put("started", started.toString());
    root.put("machine", machine());
    root.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    root.put("command", command);
    root.put("settings", settings);
    root.put("samples", samples.stream().map(Sample::toJson).toList());
    List<Map<String, Object>> missing = new ArrayList<>();
    unavailable.forEach((v, reason) -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("variant", v);
      entry.put("reason", reason);
      missing.add(entry);
    });
    root.put("unavailable", missing);
    root.put("summary", summary.stream().map(SummaryRow::toJson).toList());
    Files.createDirectories(dir);
    Path file = dir.resolve(SCENARIO + "-" + FILE_TIME.format(started) + ".json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    return file;
  }

  private Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    m.put("loadAverageAtStart", loadAtStart);
    m.put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    m.put("cpuModel", cpuModel());
    return m;
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Absolute medians per variant and mode, then each variant against its baseline. */
  void print(PrintStream out, List<Variant> variants, List<LoadMode> modes) {
    out.println();
    out.println("overhead-ladder: medians over rounds (absolute)");
    out.printf("%-18s %-10s %10s %9s %9s %10s %10s %11s %8s %9s%n", "variant", "mode", "req/s", "p50 us",
        "p99 us", "cpu us/req", "tot us/req", "alloc B/req", "errors", "nginx/req");
    for (LoadMode mode : modes) {
      for (Variant v : variants) {
        List<Sample> mine = samples.stream()
            .filter(s -> s.variant().equals(v.name()) && s.mode().equals(mode.name())).toList();
        if (mine.isEmpty()) {
          continue;
        }
        out.printf("%-18s %-10s %10s %9s %9s %10s %10s %11s %8d %9s%n", v.name(), mode.name(),
            f(median(mine, Sample::throughput), 0), f(median(mine, s -> s.latency("p50")), 1),
            f(median(mine, s -> s.latency("p99")), 1),
            f(scaled(median(mine, Sample::cpuNanosPerRequest), 1e-3), 1),
            f(scaled(median(mine, Sample::totalCpuNanosPerRequest), 1e-3), 1),
            f(median(mine, Sample::allocBytesPerRequest), 0),
            mine.stream().mapToLong(Sample::errors).sum(),
            f(median(mine, s -> (Double) s.extra().get("backendRequestsPerRequest")), 3));
      }
    }
    out.println();
    out.println("overhead-ladder: against the baseline, per round, then median [min-max] over rounds");
    out.printf("%-18s %-10s %-16s %-20s %-22s %-24s %-20s %-20s %-18s%n", "variant", "mode", "baseline",
        "throughput ratio", "added p50 us", "added p99 us", "cpu/req ratio (jvm)", "cpu/req ratio (total)",
        "alloc B/req above");
    for (SummaryRow r : summary) {
      out.printf("%-18s %-10s %-16s %-20s %-22s %-24s %-20s %-20s %-18s%n", r.variant(), r.mode(), r.baseline(),
          spread(r.throughputRatio(), 2), spread(r.addedP50Micros(), 0), spread(r.addedP99Micros(), 0),
          spread(r.cpuPerRequestRatio(), 2), spread(r.totalCpuPerRequestRatio(), 2),
          spread(r.allocBytesPerRequestAbove(), 0));
    }
    if (!unavailable.isEmpty()) {
      out.println();
      unavailable.forEach((v, reason) -> out.println("unavailable: " + v + ": " + reason));
    }
  }

  private static Double median(List<Sample> samples, Function<Sample, Double> figure) {
    Spread s = Spread.of(samples.stream().map(figure).toList());
    return s == null ? null : s.median();
  }

  private static Double scaled(Double d, double factor) {
    return d == null ? null : d * factor;
  }

  private static String f(Double d, int decimals) {
    return d == null ? "-" : String.format("%." + decimals + "f", d);
  }

  private static String spread(Spread s, int decimals) {
    if (s == null) {
      return "-";
    }
    String p = "%." + decimals + "f";
    return String.format(p + " [" + p + "-" + p + "]", s.median(), s.min(), s.max());
  }
}
