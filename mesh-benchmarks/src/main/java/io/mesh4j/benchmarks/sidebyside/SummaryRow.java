package io.mesh4j.benchmarks.sidebyside;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleBiFunction;

/**
 * One variant in one mode against its baseline: each figure computed per round against the
 * baseline's sample of the same round, then median and range over the rounds. A figure is null
 * when no round had it.
 */
record SummaryRow(
    String variant,
    String mode,
    String baseline,
    String baselineNote,
    int rounds,
    Spread throughputRatio,
    Spread addedP50Micros,
    Spread addedP99Micros,
    Spread cpuPerRequestRatio,
    Spread totalCpuPerRequestRatio,
    Spread allocBytesPerRequestAbove) {

  static Optional<SummaryRow> of(Variant variant, String mode, List<Sample> samples) {
    if (variant.baseline() == null) {
      return Optional.empty();
    }
    List<Sample[]> pairs = new ArrayList<>();
    for (Sample s : samples) {
      if (!s.variant().equals(variant.name()) || !s.mode().equals(mode)) {
        continue;
      }
      samples.stream()
          .filter(b -> b.variant().equals(variant.baseline()) && b.mode().equals(mode) && b.round() == s.round())
          .findFirst()
          .ifPresent(b -> pairs.add(new Sample[] {s, b}));
    }
    if (pairs.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SummaryRow(variant.name(), mode, variant.baseline(), variant.baselineNote(), pairs.size(),
        spread(pairs, (s, b) -> s.throughput() / b.throughput()),
        spread(pairs, (s, b) -> minus(s.latency("p50"), b.latency("p50"))),
        spread(pairs, (s, b) -> minus(s.latency("p99"), b.latency("p99"))),
        spread(pairs, (s, b) -> ratio(s.cpuNanosPerRequest(), b.cpuNanosPerRequest())),
        spread(pairs, (s, b) -> ratio(s.totalCpuNanosPerRequest(), b.totalCpuNanosPerRequest())),
        spread(pairs, (s, b) -> minus(s.allocBytesPerRequest(), b.allocBytesPerRequest()))));
  }

  private static Spread spread(List<Sample[]> pairs, ToDoubleBiFunction<Sample, Sample> figure) {
    List<Double> values = new ArrayList<>();
    for (Sample[] p : pairs) {
      values.add(figure.applyAsDouble(p[0], p[1]));
    }
    return Spread.of(values);
  }

  private static double minus(Double a, Double b) {
    return a == null || b == null ? Double.NaN : a - b;
  }

  private static double ratio(Double a, Double b) {
    return a == null || b == null || b == 0 ? Double.NaN : a / b;
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("variant", variant);
    m.put("mode", mode);
    m.put("baseline", baseline);
    if (baselineNote != null) {
      m.put("baselineNote", baselineNote);
    }
    m.put("rounds", rounds);
    put(m, "throughputRatio", throughputRatio, 3);
    put(m, "addedP50Micros", addedP50Micros, 1);
    put(m, "addedP99Micros", addedP99Micros, 1);
    put(m, "cpuPerRequestRatio", cpuPerRequestRatio, 3);
    put(m, "totalCpuPerRequestRatio", totalCpuPerRequestRatio, 3);
    put(m, "allocBytesPerRequestAbove", allocBytesPerRequestAbove, 0);
    return m;
  }

  private static void put(Map<String, Object> m, String key, Spread s, int decimals) {
    m.put(key, s == null ? null : s.toJson(decimals));
  }
}
