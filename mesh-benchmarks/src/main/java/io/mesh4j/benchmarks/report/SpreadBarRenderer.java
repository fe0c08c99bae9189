package io.mesh4j.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.HashMap;
import java.util.Map;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.Range;
import org.jfree.data.category.CategoryDataset;

/**
 * Vertical bars for the median with an error bar from the minimum to the maximum: the spread over
 * rounds is not symmetric, so JFreeChart's mean ± standard deviation renderer does not fit.
 */
final class SpreadBarRenderer extends BarRenderer {

  private static final long serialVersionUID = 1L;
  private static final BasicStroke WHISKER = new BasicStroke(1.4f);

  private final Map<String, double[]> ranges = new HashMap<>();

  SpreadBarRenderer() {
    setBarPainter(new StandardBarPainter());
    setShadowVisible(false);
    setDrawBarOutline(false);
    setItemMargin(0.05);
    setMaximumBarWidth(0.12);
  }

  /** The min–max of the bar at (row, column) of the dataset. */
  void range(Comparable<?> row, Comparable<?> column, double min, double max) {
    ranges.put(row + "\u0000" + column, new double[] {min, max});
  }

  /** The axis must show the whiskers too, not only the medians. */
  @Override
  public Range findRangeBounds(CategoryDataset dataset, boolean includeInterval) {
    Range bounds = super.findRangeBounds(dataset, includeInterval);
    for (double[] r : ranges.values()) {
      bounds = Range.expandToInclude(Range.expandToInclude(bounds, r[0]), r[1]);
    }
    return bounds;
  }

  @Override
  public void drawItem(
      Graphics2D g2,
      CategoryItemRendererState state,
      Rectangle2D dataArea,
      CategoryPlot plot,
      CategoryAxis domainAxis,
      ValueAxis rangeAxis,
      CategoryDataset dataset,
      int row,
      int column,
      int pass) {
    super.drawItem(g2, state, dataArea, plot, domainAxis, rangeAxis, dataset, row, column, pass);
    double[] range = ranges.get(dataset.getRowKey(row) + "\u0000" + dataset.getColumnKey(column));
    int visibleRow = state.getVisibleSeriesIndex(row);
    if (range == null || visibleRow < 0 || dataset.getValue(row, column) == null) {
      return;
    }
    double x0 = calculateBarW0(plot, plot.getOrientation(), dataArea, domainAxis, state, visibleRow, column);
    double x = x0 + state.getBarWidth() / 2;
    double cap = Math.min(6, state.getBarWidth() / 4);
    double yMin = rangeAxis.valueToJava2D(range[0], dataArea, plot.getRangeAxisEdge());
    double yMax = rangeAxis.valueToJava2D(range[1], dataArea, plot.getRangeAxisEdge());
    g2.setPaint(Color.BLACK);
    g2.setStroke(WHISKER);
    g2.draw(new Line2D.Double(x, yMin, x, yMax));
    g2.draw(new Line2D.Double(x - cap, yMin, x + cap, yMin));
    g2.draw(new Line2D.Double(x - cap, yMax, x + cap, yMax));
  }
}
