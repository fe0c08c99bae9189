package io.mesh4j.benchmarks.sidebyside;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One measured run of one variant in one mode and round, in the shared result format's terms.
 *
 * @param allocBytesPerRequest null when the JVM does not measure thread allocation
 * @param latencyMicros p50, p90, p99, p999 and max of the successful requests
 * @param extra scenario-specific figures (backend requests per request, requests not sent, ...)
 */
record Sample(
    String variant,
    int round,
    String mode,
    long requests,
    long errors,
    double seconds,
    double throughput,
    Double cpuNanosPerRequest,
    Double totalCpuNanosPerRequest,
    Double allocBytesPerRequest,
    Map<String, Double> latencyMicros,
    Map<String, Object> extra) {

  static Map<String, Double> percentiles(Histogram h) {
    Map<String, Double> m = new LinkedHashMap<>();
    if (h.getTotalCount() == 0) {
      return m;
    }
    m.put("p50", micros(h.getValueAtPercentile(50)));
    m.put("p90", micros(h.getValueAtPercentile(90)));
    m.put("p99", micros(h.getValueAtPercentile(99)));
    m.put("p999", micros(h.getValueAtPercentile(99.9)));
    m.put("max", micros(h.getMaxValue()));
    return m;
  }

  private static double micros(long nanos) {
    return Math.round(nanos / 100.0) / 10.0;
  }

  Double latency(String percentile) {
    return latencyMicros.get(percentile);
  }

  /** The sample as the shared JSON format's object. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("variant", variant);
    m.put("round", round);
    m.put("mode", mode);
    m.put("requests", requests);
    m.put("errors", errors);
    m.put("seconds", round3(seconds));
    m.put("throughput", round3(throughput));
    m.put("cpuNanosPerRequest", round1(cpuNanosPerRequest));
    m.put("totalCpuNanosPerRequest", round1(totalCpuNanosPerRequest));
    m.put("allocBytesPerRequest", round1(allocBytesPerRequest));
    m.put("latencyMicros", latencyMicros);
    m.put("extra", extra);
    return m;
  }

  static Double round1(Double d) {
    return d == null || d.isNaN() || d.isInfinite() ? null : Math.round(d * 10) / 10.0;
  }

  static Double round3(Double d) {
    return d == null || d.isNaN() || d.isInfinite() ? null : Math.round(d * 1000) / 1000.0;
  }
}
