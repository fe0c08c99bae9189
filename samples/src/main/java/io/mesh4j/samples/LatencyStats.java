package io.mesh4j.samples;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Latencies of one endpoint in the demo, for a printed summary. */
final class LatencyStats {

  private final List<Long> micros = new ArrayList<>();

  synchronized void add(long latencyMicros) {
    micros.add(latencyMicros);
  }

  synchronized int count() {
    return micros.size();
  }

  synchronized String summary() {
    if (micros.isEmpty()) {
      return "-";
    }
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    return String.format(
        "p50 %6.1f ms   p99 %6.1f ms", percentile(sorted, 0.50) / 1000.0, percentile(sorted, 0.99) / 1000.0);
  }

  /** The {@code q} quantile (0 to 1) in milliseconds; 0 when there is no sample. */
  synchronized double percentileMillis(double q) {
    if (micros.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    return percentile(sorted, q) / 1000.0;
  }

  private static long percentile(List<Long> sorted, double q) {
    int index = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }
}
