package io.mesh4j.benchmarks.scenarios;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

/** Latency percentiles in microseconds, from an HdrHistogram recorded in nanoseconds. */
final class Latency {

  private Latency() {}

  static Histogram histogram() {
    return new Histogram(3_600_000_000_000L, 3);
  }

  static ObjectNode micros(Histogram h) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    if (h.getTotalCount() == 0) {
      return n;
    }
    n.put("p50", h.getValueAtPercentile(50) / 1000.0);
    n.put("p90", h.getValueAtPercentile(90) / 1000.0);
    n.put("p99", h.getValueAtPercentile(99) / 1000.0);
    n.put("p999", h.getValueAtPercentile(99.9) / 1000.0);
    n.put("max", h.getMaxValue() / 1000.0);
    return n;
  }
}
