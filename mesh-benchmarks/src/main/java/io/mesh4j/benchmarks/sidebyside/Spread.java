package io.mesh4j.benchmarks.sidebyside;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Median and range of one figure over the rounds. */
record Spread(double median, double min, double max) {

  /** Null when there is no value (the figure was not measurable in any round). */
  static Spread of(List<Double> values) {
    List<Double> v = new ArrayList<>();
    for (Double d : values) {
      if (d != null && !d.isNaN() && !d.isInfinite()) {
        v.add(d);
      }
    }
    if (v.isEmpty()) {
      return null;
    }
    Collections.sort(v);
    int n = v.size();
    double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    return new Spread(median, v.get(0), v.get(n - 1));
  }

  Map<String, Object> toJson(int decimals) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("median", round(median, decimals));
    m.put("min", round(min, decimals));
    m.put("max", round(max, decimals));
    return m;
  }

  private static double round(double d, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(d * f) / f;
  }
}
