package io.mesh4j.benchmarks.lbq;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.HdrHistogram.AbstractHistogram;

/**
 * Everything one run of one scenario with one policy recorded: the requests each backend saw per
 * bucket, what the callers saw per bucket, the scenario's events, and the events the client
 * published (by type: {@code EndpointEjected}, {@code ConfigApplied}, ...), and how noisy the
 * machine was meanwhile. Windows are given in seconds
 * since the start, [from, to), and cover the whole buckets inside them.
 */
record RunRecord(
    String scenario,
    String variant,
    int repetition,
    Instant startedAt,
    double bucketSeconds,
    List<BackendSeries> backends,
    ClientSeries client,
    List<ScenarioEvent> events,
    Map<String, Long> meshEvents,
    Noise noise,
    double lengthSeconds) {

  /** How late a 1 ms sleep woke up during the run ({@link HiccupMeter}): the machine's noise. */
  record Noise(double hiccupP99Ms, double hiccupMaxMs) {}

  /** Requests that arrived at one backend, per bucket. */
  record BackendSeries(String name, String zone, String model, long[] arrivals) {}

  int buckets() {
    return client.buckets();
  }

  /** The first bucket that starts at or after {@code seconds}. */
  int firstBucketFrom(double seconds) {
    return clamp(Math.ceil(seconds / bucketSeconds - 1e-9));
  }

  /** The bucket after the last one that ends at or before {@code seconds}. */
  int endBucketAt(double seconds) {
    return clamp(Math.floor(seconds / bucketSeconds + 1e-9));
  }

  private int clamp(double bucket) {
    return (int) Math.max(0, Math.min(buckets(), bucket));
  }

  long arrivals(Predicate<BackendSeries> which, int fromBucket, int toBucket) {
    long n = 0;
    for (BackendSeries b : backends) {
      if (which.test(b)) {
        for (int i = fromBucket; i < toBucket; i++) {
          n += b.arrivals()[i];
        }
      }
    }
    return n;
  }

  /** The share of the requests arriving in the window that reached {@code which}; NaN if none. */
  double share(Predicate<BackendSeries> which, double from, double to) {
    return shareOfBuckets(which, firstBucketFrom(from), endBucketAt(to));
  }

  double shareOfBuckets(Predicate<BackendSeries> which, int fromBucket, int toBucket) {
    long all = arrivals(b -> true, fromBucket, toBucket);
    return all == 0 ? Double.NaN : (double) arrivals(which, fromBucket, toBucket) / all;
  }

  /** Latencies of the successful requests sent in the window, in microseconds. */
  AbstractHistogram latency(double from, double to) {
    AbstractHistogram h = ClientSeries.newHistogram();
    for (int i = firstBucketFrom(from); i < endBucketAt(to); i++) {
      h.add(client.latencyMicros()[i]);
    }
    return h;
  }

  /** A latency percentile of the window in milliseconds; NaN when no request succeeded. */
  double percentileMillis(double percentile, double from, double to) {
    AbstractHistogram h = latency(from, to);
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  long failures(double from, double to) {
    long n = 0;
    for (int i = firstBucketFrom(from); i < endBucketAt(to); i++) {
      n += client.failed()[i];
    }
    return n;
  }

  long succeeded(double from, double to) {
    long n = 0;
    for (int i = firstBucketFrom(from); i < endBucketAt(to); i++) {
      n += client.succeeded()[i];
    }
    return n;
  }

  /** How many events of this type (simple class name) the client published during the run. */
  long meshEventCount(String type) {
    return meshEvents.getOrDefault(type, 0L);
  }

  static Predicate<BackendSeries> named(String name) {
    return b -> b.name().equals(name);
  }

  static Predicate<BackendSeries> inZone(String zone) {
    return b -> zone.equals(b.zone());
  }
}
