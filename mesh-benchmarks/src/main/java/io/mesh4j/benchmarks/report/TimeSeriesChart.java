package io.mesh4j.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Per-second series a scenario keeps in a sample's {@code extra} (503-storm, mtls-rotation): one
 * panel per series name, one line per variant (and round), over seconds since the start.
 *
 * <p>What counts as a series: an array of numbers (two or more) directly in {@code extra}, or in
 * an object in {@code extra} (e.g. {@code "perSecond": {"throughput": [..], "errors": [..]}}).
 * {@code extra.events} (label to second, or to an array of seconds) become vertical lines, e.g.
 * {@code "events": {"storm starts": 10, "storm ends": 20, "rotation": [10, 20, 30]}}. {@code
 * extra.bucketSeconds} gives the step when it is not one second.
 */
final class TimeSeriesChart {

  /** More lines than this and only round 1 of each variant is drawn, so the panels stay readable. */
  private static final int MAX_LINES = 8;

  private static final int PANEL_HEIGHT = 190;
  private static final String AT_SECOND = "AtSecond";

  private TimeSeriesChart() {}

  /** {@code <prefix>-timeseries.png}, or null when no sample has a series. */
  static Path write(BenchmarkResult result, String prefix, Path outDir) throws IOException {
    List<BenchmarkResult.Sample> withSeries = new ArrayList<>();
    for (BenchmarkResult.Sample s : result.samples()) {
      if (!series(s).isEmpty()) {
        withSeries.add(s);
      }
    }
    if (withSeries.isEmpty()) {
      return null;
    }
    boolean firstRoundOnly = withSeries.size() > MAX_LINES;
    boolean manyRounds = withSeries.stream().map(BenchmarkResult.Sample::round).distinct().count() > 1;
    boolean manyModes = withSeries.stream().map(BenchmarkResult.Sample::mode).distinct().count() > 1;
    Map<String, XYSeriesCollection> panels = new LinkedHashMap<>();
    Map<String, Integer> colors = new LinkedHashMap<>();
    Map<String, ValueMarker> events = new LinkedHashMap<>();
    for (BenchmarkResult.Sample s : withSeries) {
      Integer round = s.round();
      if (firstRoundOnly && !java.util.Objects.equals(round, firstRound(withSeries))) {
        continue;
      }
      String line =
          s.variant() + (manyModes ? " · " + s.mode() : "") + (manyRounds && !firstRoundOnly ? " r" + round : "");
      colors.putIfAbsent(s.variant(), colors.size());
      series(s)
          .forEach(
              (name, points) -> {
                XYSeries xy = new XYSeries(line, false, true);
                for (double[] p : points) {
                  xy.add(p[0], p[1]);
                }
                panels.computeIfAbsent(name, n -> new XYSeriesCollection()).addSeries(xy);
              });
      events(s, events);
    }
    NumberAxis time = new NumberAxis("seconds since start");
    CombinedDomainXYPlot combined = new CombinedDomainXYPlot(time);
    combined.setGap(12);
    for (Map.Entry<String, XYSeriesCollection> panel : panels.entrySet()) {
      XYSeriesCollection data = panel.getValue();
      XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
      for (int i = 0; i < data.getSeriesCount(); i++) {
        String variant = variantOf((String) data.getSeriesKey(i));
        renderer.setSeriesPaint(i, Charts.color(colors.getOrDefault(variant, i)));
        // later rounds dashed, in the variant's colour
        renderer.setSeriesStroke(i, roundOf((String) data.getSeriesKey(i)) > 1 ? Charts.DASHED : Charts.LINE);
        // one legend for all panels: the first panel's
        renderer.setSeriesVisibleInLegend(i, combined.getSubplots().isEmpty());
      }
      NumberAxis y = new NumberAxis(panel.getKey());
      y.setLabelFont(new Font("SansSerif", Font.PLAIN, 11));
      y.setAutoRangeIncludesZero(true);
      y.setAutoRangeMinimumSize(1); // an all-zero series (errors: 0) gets a 0–1 axis, not ±5E-9
      XYPlot plot = new XYPlot(data, null, y, renderer);
      plot.setDomainGridlinePaint(Charts.GRID);
      plot.setRangeGridlinePaint(Charts.GRID);
      plot.setOutlinePaint(Color.GRAY);
      boolean top = combined.getSubplots().isEmpty();
      events.values().forEach(m -> plot.addDomainMarker(top ? m : unlabelled(m)));
      combined.add(plot);
    }
    String note = firstRoundOnly ? "round 1 of each variant shown" : manyRounds ? "round 1 solid, later rounds dashed" : null;
    JFreeChart chart = Charts.chart(result.scenario() + " — over time", combined, result, note);
    Path file = outDir.resolve(prefix + "-timeseries.png");
    Charts.save(chart, file, Math.max(Charts.HEIGHT, 120 + PANEL_HEIGHT * panels.size()));
    return file;
  }

  /**
   * The sample's series by name, in the order the file has them, as (second, value) points: arrays
   * of numbers (one per second, from second 1, or per {@code bucketSeconds}), directly in {@code
   * extra} or in an object in it; and arrays of objects, one per second, each numeric field a series
   * ({@code "perSecond": [{"second": 0, "ok": 200, "status503": 0}, ...]}; the field {@code second}
   * is the x value).
   */
  static Map<String, List<double[]>> series(BenchmarkResult.Sample s) {
    double step = s.extra().containsKey("bucketSeconds") ? s.extra().get("bucketSeconds").asDouble(1) : 1;
    Map<String, List<double[]>> found = new LinkedHashMap<>();
    s.extra()
        .forEach(
            (key, node) -> {
              if (key.equals("events")) {
                return;
              }
              if (numbers(node) != null) {
                found.put(key, points(numbers(node), step));
              } else if (node.isObject()) {
                node.properties()
                    .forEach(
                        f -> {
                          List<Double> values = numbers(f.getValue());
                          if (values != null) {
                            found.put(f.getKey(), points(values, step));
                          }
                        });
              } else if (node.isArray() && node.size() >= 2 && node.get(0).isObject() && node.get(0).has("second")) {
                for (JsonNode row : node) {
                  double second = row.path("second").asDouble(Double.NaN);
                  row.properties()
                      .forEach(
                          f -> {
                            if (!f.getKey().equals("second") && f.getValue().isNumber() && !Double.isNaN(second)) {
                              found.computeIfAbsent(f.getKey(), k -> new ArrayList<>())
                                  .add(new double[] {second, f.getValue().asDouble()});
                            }
                          });
                }
              }
            });
    return found;
  }

  private static List<double[]> points(List<Double> values, double step) {
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) != null) {
        points.add(new double[] {(i + 1) * step, values.get(i)});
      }
    }
    return points;
  }

  private static List<Double> numbers(JsonNode node) {
    if (!node.isArray() || node.size() < 2) {
      return null;
    }
    List<Double> values = new ArrayList<>();
    for (JsonNode n : node) {
      if (!n.isNumber() && !n.isNull()) {
        return null;
      }
      values.add(n.isNull() ? null : n.asDouble());
    }
    return values;
  }

  /**
   * Vertical lines for what happened when: {@code extra.events} (label to second or seconds),
   * numbers whose key ends in {@code AtSecond} ({@code "stormStartedAtSecond": 2.0}), the same in
   * the objects of an array ({@code "rotations": [{"filesWrittenAtSecond": 1.5}]}, labelled with
   * the array's name). Each label is written once, at its first line.
   */
  private static void events(BenchmarkResult.Sample s, Map<String, ValueMarker> markers) {
    s.extra()
        .forEach(
            (key, node) -> {
              if (key.equals("events") && node.isObject()) {
                node.properties()
                    .forEach(
                        e -> {
                          if (e.getValue().isArray()) {
                            e.getValue().forEach(n -> mark(markers, e.getKey(), n));
                          } else {
                            mark(markers, e.getKey(), e.getValue());
                          }
                        });
              } else if (key.endsWith(AT_SECOND)) {
                mark(markers, key.substring(0, key.length() - AT_SECOND.length()), node);
              } else if (node.isArray()) {
                for (JsonNode item : node) {
                  if (item.isObject()) {
                    item.properties()
                        .forEach(
                            f -> {
                              if (f.getKey().endsWith(AT_SECOND)) {
                                mark(markers, key, f.getValue());
                              }
                            });
                  }
                }
              }
            });
  }

  private static void mark(Map<String, ValueMarker> markers, String label, JsonNode at) {
    if (!at.isNumber()) {
      return;
    }
    if (markers.containsKey(label + "@" + at.asDouble())) {
      return;
    }
    ValueMarker m = new ValueMarker(at.asDouble(), Charts.MARKER, Charts.DASHED);
    boolean labelled = markers.values().stream().anyMatch(o -> label.equals(o.getLabel()));
    m.setLabel(labelled ? null : label);
    m.setLabelFont(new Font("SansSerif", Font.PLAIN, 10));
    m.setLabelBackgroundColor(new Color(255, 255, 255, 0));
    m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
    m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
    markers.putIfAbsent(label + "@" + at.asDouble(), m);
  }

  private static ValueMarker unlabelled(ValueMarker m) {
    return new ValueMarker(m.getValue(), Charts.MARKER, Charts.DASHED);
  }

  private static Integer firstRound(List<BenchmarkResult.Sample> samples) {
    return samples.stream().map(BenchmarkResult.Sample::round).filter(r -> r != null).min(Integer::compare).orElse(null);
  }

  private static int roundOf(String line) {
    int at = line.lastIndexOf(" r");
    return at < 0 || !line.substring(at + 2).matches("\\d+") ? 1 : Integer.parseInt(line.substring(at + 2));
  }

  private static String variantOf(String line) {
    int cut = line.indexOf(' ');
    return cut < 0 ? line : line.substring(0, cut);
  }
}
