package io.mesh4j.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The run's summary as markdown, to paste into docs/benchmarks.md: one row per variant and mode
 * against its baseline, then the variants that could not run and why.
 */
final class SummaryMarkdown {

  private SummaryMarkdown() {}

  static String of(BenchmarkResult result, String sourceName) {
    StringBuilder md = new StringBuilder();
    md.append("### ").append(result.scenario()).append("\n\n");
    String provenance = result.provenance();
    if (!provenance.isEmpty()) {
      md.append(provenance).append(". ");
    }
    md.append("From `").append(sourceName).append("`");
    if (!result.settings().isEmpty()) {
      md.append("; settings: ").append(settings(result));
    }
    md.append(".\n\n");
    if (result.command() != null) {
      md.append("```\n").append(result.command()).append("\n```\n\n");
    }
    if (result.summary().isEmpty()) {
      md.append("_The file has no summary._\n");
    } else {
      md.append(
          "| variant | mode | baseline | throughput ratio, median [min–max] | added p50 µs | added p99 µs"
              + " | CPU/request ratio | allocation above baseline, B/req |\n");
      md.append("|---|---|---|---|---|---|---|---|\n");
      for (BenchmarkResult.SummaryRow row : result.summary()) {
        md.append("| ").append(row.variant())
            .append(" | ").append(row.mode())
            .append(" | ").append(row.baseline() == null ? "" : row.baseline())
            .append(" | ").append(spread(row.throughputRatio(), SummaryMarkdown::ratio))
            .append(" | ").append(spread(row.addedP50Micros(), SummaryMarkdown::signedInteger))
            .append(" | ").append(spread(row.addedP99Micros(), SummaryMarkdown::signedInteger))
            .append(" | ").append(spread(row.cpuPerRequestRatio(), SummaryMarkdown::ratio))
            .append(" | ").append(spread(row.allocBytesPerRequestAbove(), SummaryMarkdown::signedInteger))
            .append(" |\n");
      }
      md.append("\nMedian over rounds [min–max]; each round's ratio or difference is against the baseline's")
          .append(" sample of the same round.\n");
    }
    samples(result, md);
    if (!result.unavailable().isEmpty()) {
      md.append("\nNot run:\n\n");
      for (BenchmarkResult.Unavailable u : result.unavailable()) {
        md.append("- `").append(u.variant()).append("`: ").append(u.reason() == null ? "no reason given" : u.reason().strip()).append('\n');
      }
    }
    return md.toString();
  }

  /**
   * The samples per variant and mode, medians over rounds [min–max]: absolute figures, and the
   * numbers a scenario keeps in {@code extra} (e.g. backend attempts per request).
   */
  private static void samples(BenchmarkResult result, StringBuilder md) {
    if (result.samples().isEmpty()) {
      return;
    }
    Map<String, List<BenchmarkResult.Sample>> groups = new LinkedHashMap<>();
    Set<String> extras = new LinkedHashSet<>();
    for (BenchmarkResult.Sample s : result.samples()) {
      groups.computeIfAbsent(s.variant() + "\u0000" + s.mode(), k -> new ArrayList<>()).add(s);
      s.extra().forEach((k, v) -> {
        if (v.isNumber()) {
          extras.add(k);
        }
      });
    }
    md.append("\nPer variant, median over rounds [min–max]:\n\n");
    md.append("| variant | mode | rounds | req/s | errors | p50 µs | p99 µs | p99.9 µs | CPU µs/req | total CPU µs/req | alloc B/req");
    extras.forEach(e -> md.append(" | ").append(e));
    md.append(" |\n|---|---|---|---|---|---|---|---|---|---|---");
    extras.forEach(e -> md.append("|---"));
    md.append("|\n");
    for (List<BenchmarkResult.Sample> g : groups.values()) {
      BenchmarkResult.Sample first = g.get(0);
      long errors = g.stream().map(BenchmarkResult.Sample::errors).filter(e -> e != null).mapToLong(Long::longValue).sum();
      md.append("| ").append(first.variant()).append(" | ").append(first.mode()).append(" | ").append(g.size())
          .append(" | ").append(column(g, BenchmarkResult.Sample::throughput, 1, SummaryMarkdown::integer))
          .append(" | ").append(errors)
          .append(" | ").append(column(g, s -> s.latencyMicros().get("p50"), 1, SummaryMarkdown::integer))
          .append(" | ").append(column(g, s -> s.latencyMicros().get("p99"), 1, SummaryMarkdown::integer))
          .append(" | ").append(column(g, s -> s.latencyMicros().get("p999"), 1, SummaryMarkdown::integer))
          .append(" | ").append(column(g, BenchmarkResult.Sample::cpuNanosPerRequest, 1e-3, SummaryMarkdown::oneDecimal))
          .append(" | ").append(column(g, BenchmarkResult.Sample::totalCpuNanosPerRequest, 1e-3, SummaryMarkdown::oneDecimal))
          .append(" | ").append(column(g, BenchmarkResult.Sample::allocBytesPerRequest, 1, SummaryMarkdown::integer));
      for (String e : extras) {
        md.append(" | ").append(column(g, s -> s.extra().containsKey(e) && s.extra().get(e).isNumber() ? s.extra().get(e).asDouble() : null, 1, SummaryMarkdown::twoDecimals));
      }
      md.append(" |\n");
    }
  }

  private static String column(
      List<BenchmarkResult.Sample> g, Function<BenchmarkResult.Sample, Double> measure, double scale, Function<Double, String> format) {
    List<Double> values = new ArrayList<>();
    for (BenchmarkResult.Sample s : g) {
      Double v = measure.apply(s);
      values.add(v == null ? null : v * scale);
    }
    return spread(Charts.spread(values), format);
  }

  private static String integer(double v) {
    return String.valueOf(Math.round(v));
  }

  private static String oneDecimal(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String twoDecimals(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** "0.93 [0.88–0.96]", "0.93" when there is no spread, "–" when there is no figure. */
  static String spread(BenchmarkResult.Spread s, Function<Double, String> format) {
    if (s == null || s.median() == null) {
      return "–";
    }
    String median = format.apply(s.median());
    if (s.min() == null || s.max() == null) {
      return median;
    }
    String min = format.apply(s.min());
    String max = format.apply(s.max());
    return min.equals(max) ? median : median + " [" + min + " – " + max + "]";
  }

  private static String ratio(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String signedInteger(double v) {
    long r = Math.round(v);
    return (r > 0 ? "+" : "") + r;
  }

  private static String settings(BenchmarkResult result) {
    StringBuilder s = new StringBuilder();
    result.settings().forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
    return s.toString();
  }
}
