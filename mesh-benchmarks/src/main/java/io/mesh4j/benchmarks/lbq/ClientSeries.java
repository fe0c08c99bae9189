package io.mesh4j.benchmarks.lbq;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * What the callers saw per time bucket: the successful requests and their latencies
 * (microseconds) in the bucket where each was sent, so that a latency is charged to the moment of
 * the pick; the failed requests in the bucket where each failed; and what the failures were.
 */
record ClientSeries(AbstractHistogram[] latencyMicros, long[] succeeded, long[] failed, Map<String, Long> failureKinds) {

  /** Up to a minute, 2 significant digits (1 %): enough for percentiles, small per bucket. */
  static AbstractHistogram newHistogram() {
    return new IntCountsHistogram(1, 60_000_000, 2);
  }

  static ClientSeries empty(int buckets) {
    AbstractHistogram[] h = new AbstractHistogram[buckets];
    for (int i = 0; i < buckets; i++) {
      h[i] = newHistogram();
    }
    return new ClientSeries(h, new long[buckets], new long[buckets], new TreeMap<>());
  }

  /** Adds another series of the same length into this one. */
  void add(ClientSeries other) {
    for (int i = 0; i < latencyMicros.length; i++) {
      latencyMicros[i].add(other.latencyMicros[i]);
      succeeded[i] += other.succeeded[i];
      failed[i] += other.failed[i];
    }
    other.failureKinds.forEach((k, n) -> failureKinds.merge(k, n, Long::sum));
  }

  int buckets() {
    return latencyMicros.length;
  }
}
