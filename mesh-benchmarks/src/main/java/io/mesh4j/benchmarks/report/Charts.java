package io.mesh4j.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;

/** What every chart shares: size, colours, fonts, the subtitle, and writing the PNG. */
final class Charts {

  static final int WIDTH = 900;
  static final int HEIGHT = 500;
  static final Color GRID = new Color(0xd9d9d9);
  static final Color MARKER = new Color(0x555555);

  /** Tableau 10: distinguishable, and readable on GitHub's light and dark backgrounds. */
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
    new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
  };

  static final BasicStroke LINE = new BasicStroke(2f);
  static final BasicStroke DASHED =
      new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

  private Charts() {}

  static Paint color(int i) {
    return PALETTE[i % PALETTE.length];
  }

  /** A chart with a title, the run's provenance under it, a legend at the bottom, white background. */
  static JFreeChart chart(String title, Plot plot, BenchmarkResult result, String note) {
    JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 16), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    plot.setBackgroundPaint(Color.WHITE);
    String provenance = result.provenance();
    if (!provenance.isEmpty()) {
      chart.addSubtitle(new TextTitle(provenance, new Font("SansSerif", Font.PLAIN, 11)));
    }
    if (note != null && !note.isEmpty()) {
      TextTitle n = new TextTitle(note, new Font("SansSerif", Font.ITALIC, 11));
      n.setPosition(RectangleEdge.BOTTOM);
      chart.addSubtitle(n);
    }
    if (chart.getLegend() != null) {
      chart.getLegend().setPosition(RectangleEdge.BOTTOM);
      chart.getLegend().setFrame(org.jfree.chart.block.BlockBorder.NONE);
    }
    return chart;
  }

  static void save(JFreeChart chart, Path file, int height) throws IOException {
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, height);
  }

  /** Median, min and max of the non-null values, or null when there are none. */
  static BenchmarkResult.Spread spread(Collection<Double> values) {
    List<Double> v = new ArrayList<>();
    for (Double d : values) {
      if (d != null && Double.isFinite(d)) {
        v.add(d);
      }
    }
    if (v.isEmpty()) {
      return null;
    }
    v.sort(null);
    int n = v.size();
    double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    return new BenchmarkResult.Spread(median, v.get(0), v.get(n - 1));
  }
}
