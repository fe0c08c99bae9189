package io.mesh4j.benchmarks.report;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The bar charts: throughput ratio against the baseline (from the summary) and CPU per request
 * (from the samples); bars are medians over rounds, error bars min–max.
 */
final class BarCharts {

  private static final String CLOSED = "closed";

  private BarCharts() {}

  /** {@code <prefix>-throughput-ratio.png}, or nothing when the summary has no throughput ratio. */
  static Path throughputRatio(BenchmarkResult result, String prefix, Path outDir) throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    SpreadBarRenderer renderer = new SpreadBarRenderer();
    String usualBaseline = usualBaseline(result);
    boolean hasClosed = result.summary().stream().anyMatch(row -> row.mode().equals(CLOSED));
    for (BenchmarkResult.SummaryRow row : result.summary()) {
      BenchmarkResult.Spread r = row.throughputRatio();
      if (r == null || r.median() == null || (hasClosed && !row.mode().equals(CLOSED))) {
        continue;
      }
      String column =
          row.baseline() == null || row.baseline().equals(usualBaseline)
              ? row.variant()
              : row.variant() + " (vs " + row.baseline() + ")";
      data.addValue(r.median(), row.mode(), column);
      if (r.min() != null && r.max() != null) {
        renderer.range(row.mode(), column, r.min(), r.max());
      }
    }
    if (data.getColumnCount() == 0) {
      return null;
    }
    NumberAxis y = new NumberAxis("throughput / baseline's throughput (same round)");
    y.setAutoRangeIncludesZero(true);
    CategoryPlot plot = plot(data, renderer, y);
    y.setRange(0, Math.max(1.1, renderer.findRangeBounds(data, true).getUpperBound() * 1.05));
    plot.addRangeMarker(marker(1.0, "baseline = 1.0", Charts.LINE, true));
    plot.addRangeMarker(marker(0.95, "target 0.95", Charts.DASHED, false));
    String note =
        "bars: median over rounds, error bars: min–max"
            + (usualBaseline == null ? "" : "; baseline " + usualBaseline)
            + (hasClosed ? "; closed loop only (an open loop's rate is fixed)" : "");
    JFreeChart chart = Charts.chart(result.scenario() + " — throughput vs baseline", plot, result, note);
    Path file = outDir.resolve(prefix + "-throughput-ratio.png");
    Charts.save(chart, file, Charts.HEIGHT);
    return file;
  }

  /**
   * CPU per request per variant, µs: this JVM's and the total with nginx and the proxies. {@code
   * <prefix>-cpu.png} for the closed loop (or the only mode), {@code <prefix>-<mode>-cpu.png} for
   * the others.
   */
  static List<Path> cpu(BenchmarkResult result, String prefix, Path outDir) throws IOException {
    Map<String, Map<String, List<BenchmarkResult.Sample>>> byMode = new LinkedHashMap<>();
    for (BenchmarkResult.Sample s : result.samples()) {
      byMode.computeIfAbsent(s.mode(), m -> new LinkedHashMap<>()).computeIfAbsent(s.variant(), v -> new ArrayList<>()).add(s);
    }
    String main = byMode.containsKey(CLOSED) || byMode.isEmpty() ? CLOSED : byMode.keySet().iterator().next();
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, Map<String, List<BenchmarkResult.Sample>>> mode : byMode.entrySet()) {
      String name = mode.getKey().equals(main) ? prefix + "-cpu.png" : prefix + "-" + mode.getKey() + "-cpu.png";
      JFreeChart chart = cpuChart(result, mode.getKey(), mode.getValue());
      if (chart != null) {
        Path file = outDir.resolve(name);
        Charts.save(chart, file, Charts.HEIGHT);
        written.add(file);
      }
    }
    return written;
  }

  private static JFreeChart cpuChart(
      BenchmarkResult result, String mode, Map<String, List<BenchmarkResult.Sample>> byVariant) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    SpreadBarRenderer renderer = new SpreadBarRenderer();
    Map<String, Function<BenchmarkResult.Sample, Double>> measures = new LinkedHashMap<>();
    measures.put("this JVM", BenchmarkResult.Sample::cpuNanosPerRequest);
    measures.put("total (JVM + nginx/proxies)", BenchmarkResult.Sample::totalCpuNanosPerRequest);
    for (Map.Entry<String, List<BenchmarkResult.Sample>> v : byVariant.entrySet()) {
      for (Map.Entry<String, Function<BenchmarkResult.Sample, Double>> m : measures.entrySet()) {
        BenchmarkResult.Spread s =
            Charts.spread(v.getValue().stream().map(m.getValue()).map(BarCharts::micros).toList());
        if (s != null) {
          data.addValue(s.median(), m.getKey(), v.getKey());
          renderer.range(m.getKey(), v.getKey(), s.min(), s.max());
        }
      }
    }
    if (data.getColumnCount() == 0) {
      return null;
    }
    NumberAxis y = new NumberAxis("CPU time per request (µs)");
    CategoryPlot plot = plot(data, renderer, y);
    renderer.setMaximumBarWidth(0.2);
    return Charts.chart(
        result.scenario() + " — CPU per request, " + mode,
        plot,
        result,
        "bars: median over rounds, error bars: min–max; process CPU time / requests");
  }

  /** The baseline most rows name: the others get it in their label. */
  static String usualBaseline(BenchmarkResult result) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (BenchmarkResult.SummaryRow row : result.summary()) {
      if (row.baseline() != null) {
        counts.merge(row.baseline(), 1, Integer::sum);
      }
    }
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
  }

  private static Double micros(Double nanos) {
    return nanos == null ? null : nanos / 1000;
  }

  private static CategoryPlot plot(DefaultCategoryDataset data, SpreadBarRenderer renderer, NumberAxis y) {
    for (int i = 0; i < data.getRowCount(); i++) {
      renderer.setSeriesPaint(i, Charts.color(i));
    }
    CategoryAxis x = new CategoryAxis("variant");
    x.setMaximumCategoryLabelLines(2);
    x.setMaximumCategoryLabelWidthRatio(1.5f);
    x.setTickLabelFont(new Font("SansSerif", Font.PLAIN, 11));
    CategoryPlot plot = new CategoryPlot(data, x, y, renderer);
    plot.setRangeGridlinePaint(Charts.GRID);
    plot.setOutlinePaint(Color.GRAY);
    return plot;
  }

  /** A horizontal line with its label above it on the left, or below it on the right. */
  private static ValueMarker marker(double at, String label, java.awt.Stroke stroke, boolean above) {
    ValueMarker m = new ValueMarker(at, Charts.MARKER, stroke);
    m.setLabel(label);
    m.setLabelFont(new Font("SansSerif", Font.PLAIN, 11));
    m.setLabelBackgroundColor(new Color(255, 255, 255, 0));
    m.setLabelAnchor(above ? RectangleAnchor.TOP_LEFT : RectangleAnchor.BOTTOM_RIGHT);
    m.setLabelTextAnchor(above ? TextAnchor.BOTTOM_LEFT : TextAnchor.TOP_RIGHT);
    return m;
  }
}
