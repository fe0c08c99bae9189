package io.mesh4j.benchmarks.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * Latency percentiles per variant, one chart per mode, drawn as HdrHistogram plots them: x is
 * log10(1/(1-p)), so 90 %, 99 % and 99.9 % are equally spaced; y is µs on a log scale. The line is
 * the median over rounds of each percentile, the band its min–max.
 */
final class LatencyChart {

  private LatencyChart() {}

  /** The percentile a latency key stands for ("p50" 50, "p999" 99.9, "p9999" 99.99), or NaN. */
  static double percentile(String key) {
    if (!key.matches("p\\d+")) {
      return Double.NaN;
    }
    String digits = key.substring(1);
    if (digits.length() <= 2) {
      return Double.parseDouble(digits);
    }
    return Double.parseDouble(digits.substring(0, 2) + "." + digits.substring(2));
  }

  /** Writes one chart per mode; returns the files written. */
  static List<Path> write(BenchmarkResult result, String prefix, Path outDir) throws IOException {
    Map<String, Map<String, List<BenchmarkResult.Sample>>> byMode = new LinkedHashMap<>();
    for (BenchmarkResult.Sample s : result.samples()) {
      if (!s.latencyMicros().isEmpty()) {
        byMode.computeIfAbsent(s.mode(), m -> new LinkedHashMap<>())
            .computeIfAbsent(s.variant(), v -> new ArrayList<>())
            .add(s);
      }
    }
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, Map<String, List<BenchmarkResult.Sample>>> mode : byMode.entrySet()) {
      Path file = outDir.resolve(prefix + "-" + mode.getKey() + "-latency.png");
      Charts.save(chart(result, mode.getKey(), mode.getValue()), file, Charts.HEIGHT);
      written.add(file);
    }
    return written;
  }

  private static org.jfree.chart.JFreeChart chart(
      BenchmarkResult result, String mode, Map<String, List<BenchmarkResult.Sample>> byVariant) {
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    int rounds = 0;
    for (Map.Entry<String, List<BenchmarkResult.Sample>> v : byVariant.entrySet()) {
      rounds = Math.max(rounds, v.getValue().size());
      TreeMap<Double, List<Double>> byPercentile = new TreeMap<>();
      for (BenchmarkResult.Sample s : v.getValue()) {
        s.latencyMicros()
            .forEach(
                (key, micros) -> {
                  double p = percentile(key);
                  if (!Double.isNaN(p) && p < 100 && micros != null && micros > 0) {
                    byPercentile.computeIfAbsent(p, k -> new ArrayList<>()).add(micros);
                  }
                });
      }
      YIntervalSeries series = new YIntervalSeries(v.getKey());
      byPercentile.forEach(
          (p, values) -> {
            BenchmarkResult.Spread spread = Charts.spread(values);
            series.add(Math.log10(100 / (100 - p)), spread.median(), spread.min(), spread.max());
          });
      data.addSeries(series);
    }
    NumberAxis x = new PercentileAxis();
    x.setRange(0.2, Math.max(3.1, maxX(data) + 0.1));
    LogAxis y = new MicrosAxis();
    y.setSmallestValue(1);
    DeviationRenderer renderer = new DeviationRenderer(true, true);
    renderer.setAlpha(0.12f);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, Charts.color(i));
      renderer.setSeriesFillPaint(i, Charts.color(i));
      renderer.setSeriesStroke(i, Charts.LINE);
    }
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setDomainGridlinePaint(Charts.GRID);
    plot.setRangeGridlinePaint(Charts.GRID);
    plot.setOutlinePaint(Color.GRAY);
    String note =
        "line: median over "
            + rounds
            + (rounds == 1 ? " round" : " rounds")
            + ", band: min–max"
            + (mode.startsWith("open") ? "; open loop, corrected for coordinated omission" : "");
    return Charts.chart(result.scenario() + " — latency, " + mode, plot, result, note);
  }

  private static double maxX(YIntervalSeriesCollection data) {
    org.jfree.data.Range r = org.jfree.data.general.DatasetUtils.findDomainBounds(data);
    return r == null ? 0 : r.getUpperBound();
  }

  /** A log axis of µs with ticks at 1, 2 and 5 of each power of ten: readable values, not 251.2. */
  private static final class MicrosAxis extends LogAxis {

    private static final long serialVersionUID = 1L;
    private static final DecimalFormat FORMAT = new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT));

    MicrosAxis() {
      super("latency (µs, log scale)");
    }

    @Override
    public List<NumberTick> refreshTicks(
        Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
      List<NumberTick> ticks = new ArrayList<>();
      double lower = getLowerBound();
      double upper = getUpperBound();
      for (double decade = Math.pow(10, Math.floor(Math.log10(Math.max(lower, 1e-3)))); decade <= upper; decade *= 10) {
        for (int m : new int[] {1, 2, 5}) {
          double v = decade * m;
          if (v >= lower && v <= upper) {
            ticks.add(new NumberTick(TickType.MAJOR, v, FORMAT.format(v), TextAnchor.CENTER_RIGHT, TextAnchor.CENTER, 0));
          }
        }
      }
      return ticks;
    }
  }

  /** The percentile axis: ticks at 50, 90, 99, 99.9 and 99.99 %, placed at log10(1/(1-p)). */
  private static final class PercentileAxis extends NumberAxis {

    private static final long serialVersionUID = 1L;
    private static final double[] TICKS = {50, 90, 99, 99.9, 99.99};

    PercentileAxis() {
      super("percentile (log scale of 1/(1-p))");
    }

    @Override
    public List<NumberTick> refreshTicks(
        Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
      List<NumberTick> ticks = new ArrayList<>();
      for (double p : TICKS) {
        double at = Math.log10(100 / (100 - p));
        if (at <= getUpperBound()) {
          String label = (p == Math.rint(p) ? String.valueOf((int) p) : String.valueOf(p)) + " %";
          ticks.add(new NumberTick(TickType.MAJOR, at, label, TextAnchor.TOP_CENTER, TextAnchor.CENTER, 0));
        }
      }
      return ticks;
    }
  }
}
