package io.mesh4j.benchmarks.lbq;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.HdrHistogram.AbstractHistogram;

/**
 * One policy's time series in one scenario, pooled over its repetitions: per bucket, the share of
 * the scenario's interesting endpoints (arrivals added up over the runs), p50 and p99 (histograms
 * merged), failed and succeeded requests (mean per run), and each backend's arrivals (added up).
 * NaN where a bucket has no data.
 */
record PooledSeries(
    double bucketSeconds,
    double[] interestShare,
    double[] p50Ms,
    double[] p99Ms,
    double[] failed,
    double[] succeeded,
    Map<String, long[]> arrivals) {

  static PooledSeries of(Scenario scenario, List<RunRecord> runs) {
    int n = runs.get(0).buckets();
    double[] share = new double[n];
    double[] p50 = new double[n];
    double[] p99 = new double[n];
    double[] failed = new double[n];
    double[] succeeded = new double[n];
    Map<String, long[]> arrivals = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      long interest = 0;
      long all = 0;
      boolean defined = false;
      AbstractHistogram latency = ClientSeries.newHistogram();
      for (RunRecord run : runs) {
        Predicate<RunRecord.BackendSeries> which = scenario.interestAt(run, i);
        if (which != null) {
          defined = true;
          interest += run.arrivals(which, i, i + 1);
        }
        all += run.arrivals(b -> true, i, i + 1);
        latency.add(run.client().latencyMicros()[i]);
        failed[i] += run.client().failed()[i] / (double) runs.size();
        succeeded[i] += run.client().succeeded()[i] / (double) runs.size();
      }
      share[i] = defined && all > 0 ? (double) interest / all : Double.NaN;
      boolean any = latency.getTotalCount() > 0;
      p50[i] = any ? latency.getValueAtPercentile(50) / 1000.0 : Double.NaN;
      p99[i] = any ? latency.getValueAtPercentile(99) / 1000.0 : Double.NaN;
    }
    for (RunRecord run : runs) {
      for (RunRecord.BackendSeries b : run.backends()) {
        long[] sum = arrivals.computeIfAbsent(b.name(), k -> new long[n]);
        for (int i = 0; i < n; i++) {
          sum[i] += b.arrivals()[i];
        }
      }
    }
    return new PooledSeries(runs.get(0).bucketSeconds(), share, p50, p99, failed, succeeded, arrivals);
  }

  int buckets() {
    return interestShare.length;
  }

  /** The middle of bucket i, in seconds since the start. */
  double midSeconds(int i) {
    return (i + 0.5) * bucketSeconds;
  }
}
