package io.mesh4j.benchmarks.lbq;

import java.util.Locale;

/** One figure a scenario measured in a run, or the median of its runs. */
record Measure(String key, Unit unit, double value) {

  /** How a value prints; a non-finite value means "not reached in the run" or "undefined". */
  enum Unit {
    SHARE,
    MILLIS,
    SECONDS,
    COUNT,
    PER_SECOND,
    RATIO;

    String format(double v) {
      if (Double.isNaN(v)) {
        return "n/a";
      }
      if (Double.isInfinite(v)) {
        return "never";
      }
      return switch (this) {
        case SHARE -> String.format(Locale.ROOT, "%.2f %%", v * 100);
        case MILLIS -> String.format(Locale.ROOT, "%.1f ms", v);
        case SECONDS -> String.format(Locale.ROOT, "%.2f s", v);
        case COUNT -> String.format(Locale.ROOT, "%.0f", v);
        case PER_SECOND -> String.format(Locale.ROOT, "%.0f/s", v);
        case RATIO -> String.format(Locale.ROOT, "%.2fx", v);
      };
    }
  }

  String formatted() {
    return unit.format(value);
  }
}
