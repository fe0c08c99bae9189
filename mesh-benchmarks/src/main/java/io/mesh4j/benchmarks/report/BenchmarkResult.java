package io.mesh4j.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One run of a scenario as the harness and the scenario mains write it (the shared result JSON of
 * issue 13). Fields a scenario leaves out are null, or empty for the lists.
 */
record BenchmarkResult(
    String scenario,
    String started,
    Machine machine,
    String jdk,
    String command,
    Map<String, Object> settings,
    List<Sample> samples,
    List<Unavailable> unavailable,
    List<SummaryRow> summary) {

  BenchmarkResult {
    samples = samples == null ? List.of() : List.copyOf(samples);
    unavailable = unavailable == null ? List.of() : List.copyOf(unavailable);
    summary = summary == null ? List.of() : List.copyOf(summary);
    settings = settings == null ? Map.of() : settings;
  }

  /** The machine the run was on. */
  record Machine(Integer cores, String os, Double loadAverageAtStart, String cpuModel) {}

  /** One variant in one round and mode. */
  record Sample(
      String variant,
      Integer round,
      String mode,
      Long requests,
      Long errors,
      Double seconds,
      Double throughput,
      Double cpuNanosPerRequest,
      Double totalCpuNanosPerRequest,
      Double allocBytesPerRequest,
      Map<String, Double> latencyMicros,
      Map<String, JsonNode> extra) {

    Sample {
      mode = mode == null ? "closed" : mode;
      latencyMicros = latencyMicros == null ? Map.of() : latencyMicros;
      extra = extra == null ? Map.of() : extra;
    }
  }

  /** A variant that could not run, and why. */
  record Unavailable(String variant, String reason) {}

  /** Median and spread over the rounds. */
  record Spread(Double median, Double min, Double max) {}

  /** One variant and mode against its baseline, over the rounds. */
  record SummaryRow(
      String variant,
      String mode,
      String baseline,
      Spread throughputRatio,
      Spread addedP50Micros,
      Spread addedP99Micros,
      Spread cpuPerRequestRatio,
      Spread allocBytesPerRequestAbove) {

    SummaryRow {
      mode = mode == null ? "closed" : mode;
    }
  }

  /** A line under a chart's title: machine, JDK and when. */
  String provenance() {
    StringBuilder s = new StringBuilder();
    if (machine != null) {
      if (machine.cpuModel() != null) {
        s.append(machine.cpuModel()).append(", ");
      }
      if (machine.cores() != null) {
        s.append(machine.cores()).append(" cores, ");
      }
      if (machine.loadAverageAtStart() != null) {
        s.append(String.format(java.util.Locale.ROOT, "load %.1f at start, ", machine.loadAverageAtStart()));
      }
    }
    if (jdk != null) {
      s.append("JDK ").append(jdk).append(", ");
    }
    if (started != null) {
      s.append(started);
    }
    String text = s.toString();
    return text.endsWith(", ") ? text.substring(0, text.length() - 2) : text;
  }
}
