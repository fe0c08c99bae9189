package io.mesh4j.benchmarks.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleBiFunction;

/**
 * One run of a scenario in the shared result format (issue 13): machine, JDK, command, settings,
 * one sample per variant per round, the variants that could not run, and per-variant summaries
 * (median, min, max over rounds of ratios taken per round against the baseline's sample).
 */
final class ResultFile {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String scenario;
  private final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private final ObjectNode root = JSON.createObjectNode();
  private final ObjectNode settings;
  private final ArrayNode samples;
  private final ArrayNode unavailable;
  private final ArrayNode summary;

  ResultFile(String scenario, Class<?> main, String[] args) {
    this.scenario = scenario;
    root.put("scenario", scenario);
    root.put("started", started.toString());
    ObjectNode machine = root.putObject("machine");
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    machine.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    machine.put("cpuModel", cpuModel());
    root.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
    root.put("command", "java -cp mesh-benchmarks/target/benchmarks.jar " + main.getName() + " " + String.join(" ", args));
    settings = root.putObject("settings");
    samples = root.putArray("samples");
    unavailable = root.putArray("unavailable");
    summary = root.putArray("summary");
  }

  JsonNode json() {
    return root;
  }

  ObjectNode settings() {
    return settings;
  }

  /** A new sample; the caller fills in its figures. */
  ObjectNode sample(String variant, int round, String mode) {
    ObjectNode s = samples.addObject();
    s.put("variant", variant);
    s.put("round", round);
    s.put("mode", mode);
    return s;
  }

  void unavailable(String variant, String reason) {
    ObjectNode u = unavailable.addObject();
    u.put("variant", variant);
    u.put("reason", reason);
  }

  /** A summary entry for {@code variant}; with a baseline, the ratios against it per round. */
  ObjectNode summarize(String variant, String mode, String baseline) {
    ObjectNode s = summary.addObject();
    s.put("variant", variant);
    s.put("mode", mode);
    if (baseline == null) {
      return s;
    }
    s.put("baseline", baseline);
    perRound(s, "throughputRatio", variant, baseline, mode, (v, b) -> v.path("throughput").asDouble() / b.path("throughput").asDouble());
    perRound(s, "addedP50Micros", variant, baseline, mode,
        (v, b) -> v.path("latencyMicros").path("p50").asDouble() - b.path("latencyMicros").path("p50").asDouble());
    perRound(s, "addedP99Micros", variant, baseline, mode,
        (v, b) -> v.path("latencyMicros").path("p99").asDouble() - b.path("latencyMicros").path("p99").asDouble());
    perRound(s, "cpuPerRequestRatio", variant, baseline, mode,
        (v, b) -> v.path("cpuNanosPerRequest").asDouble() / b.path("cpuNanosPerRequest").asDouble());
    perRound(s, "totalCpuPerRequestRatio", variant, baseline, mode,
        (v, b) -> v.path("totalCpuNanosPerRequest").asDouble() / b.path("totalCpuNanosPerRequest").asDouble());
    return s;
  }

  /** Median and spread of {@code field} taken from this variant's samples' {@code extra}. */
  void summarizeExtra(ObjectNode summaryEntry, String variant, String mode, String field) {
    List<Double> values = new ArrayList<>();
    for (JsonNode s : samples) {
      if (s.path("variant").asText().equals(variant) && s.path("mode").asText().equals(mode)
          && s.path("extra").path(field).isNumber()) {
        values.add(s.path("extra").path(field).asDouble());
      }
    }
    spread(values).ifPresent(n -> summaryEntry.set(field, n));
  }

  private void perRound(ObjectNode into, String field, String variant, String baseline, String mode,
      ToDoubleBiFunction<JsonNode, JsonNode> ratio) {
    List<Double> values = new ArrayList<>();
    for (JsonNode v : samples) {
      if (!v.path("variant").asText().equals(variant) || !v.path("mode").asText().equals(mode)) {
        continue;
      }
      for (JsonNode b : samples) {
        if (b.path("variant").asText().equals(baseline) && b.path("mode").asText().equals(mode)
            && b.path("round").asInt() == v.path("round").asInt()) {
          double r = ratio.applyAsDouble(v, b);
          if (Double.isFinite(r)) {
            values.add(r);
          }
        }
      }
    }
    spread(values).ifPresent(n -> into.set(field, n));
  }

  static Optional<ObjectNode> spread(List<Double> values) {
    if (values.isEmpty()) {
      return Optional.empty();
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    ObjectNode o = JSON.createObjectNode();
    o.put("median", round(median));
    o.put("min", round(sorted.get(0)));
    o.put("max", round(sorted.get(n - 1)));
    return Optional.of(o);
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** Writes {@code <scenario>-<yyyyMMdd-HHmmss>.json} under {@code dir}; returns the file. */
  Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
    Path file = dir.resolve(scenario + "-" + stamp + ".json");
    JSON.writeValue(file.toFile(), root);
    return file;
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
