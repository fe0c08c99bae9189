package io.mesh4j.benchmarks.lbq;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import javax.imageio.ImageIO;

/**
 * One PNG per scenario, drawn with Java2D (headless): four panels over the run's time, one line
 * per policy — the share of the scenario's interesting endpoints (with the fair share dashed), p99
 * latency (log scale), successful requests per second and failed requests per bucket — with the
 * scenario's events as vertical lines.
 */
final class ChartWriter {

  private static final int WIDTH = 1200;
  private static final int HEIGHT = 1140;
  private static final int LEFT = 90;
  private static final int RIGHT = 30;
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
    new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
  };
  private static final Color GRID = new Color(0xe6e6e6);
  private static final Color EVENT = new Color(0x999999);
  private static final Stroke DASHED =
      new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f}, 0f);

  /** One policy's line in a panel. */
  private record Line(String label, Color color, double[] values) {}

  /** A y axis: value to pixel, and its tick values with their labels. */
  private record Axis(DoubleFunction<Double> toFraction, List<Double> ticks, DoubleFunction<String> label) {}

  private ChartWriter() {}

  static void write(Results.ScenarioRuns runs, Path file) throws IOException {
    Scenario scenario = runs.scenario();
    List<String> labels = new ArrayList<>();
    List<PooledSeries> series = new ArrayList<>();
    int repetitions = 0;
    for (Results.VariantRuns v : runs.byVariant().values()) {
      labels.add(v.variant().label());
      series.add(PooledSeries.of(scenario, v.runs()));
      repetitions = Math.max(repetitions, v.runs().size());
    }
    List<ScenarioEvent> events = runs.byVariant().values().iterator().next().runs().get(0).events();
    double bucketSeconds = series.get(0).bucketSeconds();

    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
      g.drawString(scenario.name() + ": " + scenario.description(), 30, 28);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.drawString(
          String.format(
              Locale.ROOT,
              "shares counted at the backends by arrival; successful requests and their latency by send time,"
                  + " failures by when they failed; %.0f ms buckets; %d repetition(s) pooled",
              bucketSeconds * 1000, repetitions),
          30, 48);

      double length = scenario.lengthSeconds();
      int w = WIDTH - LEFT - RIGHT;
      Rectangle share = new Rectangle(LEFT, 110, w, 300);
      Rectangle p99 = new Rectangle(LEFT, 450, w, 270);
      Rectangle rate = new Rectangle(LEFT, 760, w, 170);
      Rectangle failed = new Rectangle(LEFT, 970, w, 110);

      List<Line> shareLines = lines(labels, series, PooledSeries::interestShare);
      legend(g, 30, 72, shareLines);
      double shareMax = Math.min(1, niceCeil(Math.max(max(shareLines) * 1.1, scenario.fairShare() * 1.25)));
      panel(g, share, "share of " + scenario.interestLabel(), linear(shareMax, v -> percent(v, shareMax)),
          shareLines, series.get(0), length, events);
      dashedLevel(g, share, linear(shareMax, v -> ""), scenario.fairShare(), "fair share");

      List<Line> p99Lines = lines(labels, series, PooledSeries::p99Ms);
      panel(g, p99, "p99 latency (ms, log scale)", logarithmic(min(p99Lines), max(p99Lines)), p99Lines,
          series.get(0), length, events);

      List<Line> rateLines = lines(labels, series, s -> perSecond(s.succeeded(), bucketSeconds));
      panel(g, rate, "successful requests per second", linear(niceCeil(max(rateLines)), ChartWriter::count),
          rateLines, series.get(0), length, events);

      List<Line> failedLines = lines(labels, series, PooledSeries::failed);
      double failedMax = max(failedLines);
      panel(g, failed, "failed requests per bucket", linear(failedMax > 0 ? niceCeil(failedMax) : 1, ChartWriter::count),
          failedLines, series.get(0), length, events);
      if (!(failedMax > 0)) {
        g.setColor(Color.DARK_GRAY);
        g.drawString("no failed requests", failed.x + 10, failed.y + 20);
      }
      timeAxis(g, failed, length);
    } finally {
      g.dispose();
    }
    ImageIO.write(image, "png", file.toFile());
  }

  private static double[] perSecond(double[] perBucket, double bucketSeconds) {
    double[] out = new double[perBucket.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = perBucket[i] / bucketSeconds;
    }
    return out;
  }

  private interface SeriesValues {
    double[] of(PooledSeries s);
  }

  private static List<Line> lines(List<String> labels, List<PooledSeries> series, SeriesValues values) {
    List<Line> out = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      out.add(new Line(labels.get(i), PALETTE[i % PALETTE.length], values.of(series.get(i))));
    }
    return out;
  }

  private static void panel(
      Graphics2D g, Rectangle r, String title, Axis y, List<Line> lines, PooledSeries time, double length,
      List<ScenarioEvent> events) {
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    g.setColor(Color.BLACK);
    g.drawString(title, r.x, r.y - 8);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (double tick : y.ticks()) {
      int py = yPixel(r, y, tick);
      g.setColor(GRID);
      g.drawLine(r.x, py, r.x + r.width, py);
      g.setColor(Color.DARK_GRAY);
      String label = y.label().apply(tick);
      g.drawString(label, r.x - 8 - g.getFontMetrics().stringWidth(label), py + 4);
    }
    for (double s = 0; s <= length + 1e-9; s += timeStep(length)) {
      int px = xPixel(r, s, length);
      g.setColor(GRID);
      g.drawLine(px, r.y, px, r.y + r.height);
    }
    g.setStroke(DASHED);
    for (ScenarioEvent e : events) {
      int px = xPixel(r, e.atSeconds(), length);
      g.setColor(EVENT);
      g.drawLine(px, r.y, px, r.y + r.height);
      g.drawString(e.text(), px + 3, r.y + 12);
    }
    g.setStroke(new BasicStroke(2f));
    Rectangle clip = g.getClipBounds();
    g.setClip(r.x, r.y - 1, r.width + 1, r.height + 2);
    for (Line line : lines) {
      g.setColor(line.color());
      Path2D.Double path = new Path2D.Double();
      boolean drawing = false;
      for (int i = 0; i < line.values().length; i++) {
        double v = line.values()[i];
        if (!finite(v)) {
          drawing = false;
          continue;
        }
        double px = xPixel(r, time.midSeconds(i), length);
        double py = yPixel(r, y, v);
        if (drawing) {
          path.lineTo(px, py);
        } else {
          path.moveTo(px, py);
          drawing = true;
        }
      }
      g.draw(path);
      dots(g, r, y, line, time, length);
    }
    g.setClip(clip);
    g.setStroke(new BasicStroke(1f));
    g.setColor(Color.BLACK);
    g.drawRect(r.x, r.y, r.width, r.height);
  }

  /** A value with no defined neighbour draws no segment: it gets a dot, so it is not lost. */
  private static void dots(Graphics2D g, Rectangle r, Axis y, Line line, PooledSeries time, double length) {
    double[] v = line.values();
    for (int i = 0; i < v.length; i++) {
      boolean alone = (i == 0 || !finite(v[i - 1])) && (i == v.length - 1 || !finite(v[i + 1]));
      if (finite(v[i]) && alone) {
        int px = xPixel(r, time.midSeconds(i), length);
        int py = yPixel(r, y, v[i]);
        g.fillOval(px - 3, py - 3, 7, 7);
      }
    }
  }

  private static boolean finite(double v) {
    return !Double.isNaN(v) && !Double.isInfinite(v);
  }

  private static void dashedLevel(Graphics2D g, Rectangle r, Axis y, double level, String label) {
    int py = yPixel(r, y, level);
    g.setStroke(DASHED);
    g.setColor(Color.GRAY);
    g.drawLine(r.x, py, r.x + r.width, py);
    g.drawString(label, r.x + 4, py - 4);
    g.setStroke(new BasicStroke(1f));
  }

  /** One row under the title: a colored stroke and the label of each policy. */
  private static void legend(Graphics2D g, int x, int y, List<Line> lines) {
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    for (Line l : lines) {
      g.setColor(l.color());
      g.setStroke(new BasicStroke(4f));
      g.drawLine(x, y - 5, x + 26, y - 5);
      g.setStroke(new BasicStroke(1f));
      g.setColor(Color.BLACK);
      g.drawString(l.label(), x + 32, y);
      x += 32 + g.getFontMetrics().stringWidth(l.label()) + 28;
    }
  }

  private static void timeAxis(Graphics2D g, Rectangle r, double length) {
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (double s = 0; s <= length + 1e-9; s += timeStep(length)) {
      String label = String.format(Locale.ROOT, s == Math.rint(s) ? "%.0f" : "%.1f", s);
      g.drawString(label, xPixel(r, s, length) - g.getFontMetrics().stringWidth(label) / 2, r.y + r.height + 15);
    }
    g.drawString("seconds since the start of the run", r.x + r.width / 2 - 90, r.y + r.height + 32);
  }

  private static double timeStep(double length) {
    return length <= 8 ? 0.5 : length <= 20 ? 1 : niceCeil(length / 20);
  }

  private static Axis linear(double max, DoubleFunction<String> label) {
    double step = niceCeil(max / 5);
    List<Double> ticks = new ArrayList<>();
    for (double t = 0; t <= max + step / 1000; t += step) {
      ticks.add(t);
    }
    return new Axis(v -> v / max, ticks, label);
  }

  /** Decades from below the smallest value to above the largest, with 2 and 5 in between. */
  private static Axis logarithmic(double min, double max) {
    double lo = Math.pow(10, Math.floor(Math.log10(min > 0 ? min : 1)));
    double hi = Math.pow(10, Math.ceil(Math.log10(max > lo ? max : lo * 10)));
    if (hi <= lo) {
      hi = lo * 10;
    }
    double span = Math.log10(hi) - Math.log10(lo);
    double logLo = Math.log10(lo);
    List<Double> ticks = new ArrayList<>();
    for (double decade = lo; decade <= hi * 1.0001; decade *= 10) {
      ticks.add(decade);
      if (span <= 3 && decade * 2 < hi) {
        ticks.add(decade * 2);
        ticks.add(decade * 5);
      }
    }
    return new Axis(v -> (Math.log10(Math.max(v, lo)) - logLo) / span, ticks, ChartWriter::millis);
  }

  private static int xPixel(Rectangle r, double seconds, double length) {
    return r.x + (int) Math.round(r.width * seconds / length);
  }

  private static int yPixel(Rectangle r, Axis y, double v) {
    return r.y + r.height - (int) Math.round(r.height * y.toFraction().apply(v));
  }

  private static double max(List<Line> lines) {
    double m = 0;
    for (Line l : lines) {
      for (double v : l.values()) {
        if (finite(v)) {
          m = Math.max(m, v);
        }
      }
    }
    return m;
  }

  private static double min(List<Line> lines) {
    double m = Double.POSITIVE_INFINITY;
    for (Line l : lines) {
      for (double v : l.values()) {
        if (v > 0 && finite(v)) {
          m = Math.min(m, v);
        }
      }
    }
    return m;
  }

  /** The smallest of 1, 2, 2.5, 5 × a power of ten that is at least v (v > 0). */
  static double niceCeil(double v) {
    if (!(v > 0)) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * magnitude >= v * (1 - 1e-9)) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String percent(double v, double max) {
    return String.format(Locale.ROOT, max < 0.05 ? "%.1f %%" : "%.0f %%", v * 100);
  }

  private static String millis(double v) {
    return v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String count(double v) {
    return String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f" : "%.1f", v);
  }
}
