package io.mesh4j.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
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

  /** Column titles of the summary fields the shared format names; a scenario's own keep their key. */
  private static final Map<String, String> TITLES =
      Map.of(
          "throughputRatio", "throughput ratio",
          "addedP50Micros", "added p50 µs",
          "addedP99Micros", "added p99 µs",
          "cpuPerRequestRatio", "CPU/request ratio",
          "totalCpuPerRequestRatio", "total CPU/request ratio",
          "allocBytesPerRequestAbove", "alloc above baseline B/req");

  /**
   * {@code summary}: the file's summary rows as JSON, so that the fields a scenario adds (e.g.
   * attempts per request during a storm) get their columns too.
   */
  static String of(BenchmarkResult result, JsonNode summary, String sourceName) {
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
    summary(summary, md);
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
   * One row per summary entry that has figures; one column per field that is a {median, min, max}
   * (or a number) in any row, in the order they first appear.
   */
  private static void summary(JsonNode rows, StringBuilder md) {
    Set<String> columns = new LinkedHashSet<>();
    List<JsonNode> withFigures = new ArrayList<>();
    if (rows != null && rows.isArray()) {
      for (JsonNode row : rows) {
        boolean figures = false;
        for (Map.Entry<String, JsonNode> f : row.properties()) {
          if (f.getValue().has("median") || (f.getValue().isNumber() && !f.getKey().equals("rounds"))) {
            columns.add(f.getKey());
            figures = true;
          }
        }
        if (figures) {
          withFigures.add(row);
        }
      }
    }
    if (withFigures.isEmpty()) {
      md.append("_No summary against a baseline in this file._\n");
      return;
    }
    boolean rounds = withFigures.stream().anyMatch(r -> r.has("rounds"));
    md.append("| variant | mode | baseline").append(rounds ? " | rounds" : "");
    columns.forEach(c -> md.append(" | ").append(TITLES.getOrDefault(c, c)));
    md.append(" |\n|---|---|---").append(rounds ? "|---" : "");
    columns.forEach(c -> md.append("|---"));
    md.append("|\n");
    for (JsonNode row : withFigures) {
      md.append("| ").append(row.path("variant").asText(""))
          .append(" | ").append(row.path("mode").asText("closed"))
          .append(" | ").append(row.path("baseline").asText(""));
      if (rounds) {
        md.append(" | ").append(row.path("rounds").asText(""));
      }
      for (String c : columns) {
        md.append(" | ").append(cell(c, row.get(c)));
      }
      md.append(" |\n");
    }
    md.append("\nMedian over rounds [min – max]")
        .append(withFigures.stream().anyMatch(r -> r.hasNonNull("baseline"))
            ? "; each round's ratio or difference is against the baseline's sample of the same round.\n"
            : ".\n");
  }

  private static String cell(String key, JsonNode value) {
    if (value == null || value.isNull()) {
      return "–";
    }
    Function<Double, String> format =
        key.startsWith("added") || key.endsWith("Above")
            ? SummaryMarkdown::signedInteger
            : key.endsWith("Ratio") || key.endsWith("Share") ? SummaryMarkdown::ratio : SummaryMarkdown::plain;
    if (value.isNumber()) {
      return format.apply(value.asDouble());
    }
    return spread(
        new BenchmarkResult.Spread(number(value.get("median")), number(value.get("min")), number(value.get("max"))),
        format);
  }

  private static Double number(JsonNode n) {
    return n == null || !n.isNumber() ? null : n.asDouble();
  }

  /** Three significant digits, at least the integer part. */
  private static String plain(double v) {
    double abs = Math.abs(v);
    return abs >= 100 || v == Math.rint(v) ? String.valueOf(Math.round(v)) : abs >= 10 ? oneDecimal(v) : twoDecimals(v);
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
        md.append(" | ").append(column(g, s -> s.extra().containsKey(e) && s.extra().get(e).isNumber() ? s.extra().get(e).asDouble() : null, 1, SummaryMarkdown::plain));
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
