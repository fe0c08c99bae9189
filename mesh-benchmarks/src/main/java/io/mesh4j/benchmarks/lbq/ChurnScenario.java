package io.mesh4j.benchmarks.lbq;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Four endpoints at 2 ms, 4 callers. Every second one endpoint is removed and a new one added
 * (through {@code MeshClient.apply}, as a control plane pushes endpoints), and the removed backend
 * dies right after the change, as an instance deleted without a drain: requests in flight on it
 * fail (and are retried), picks racing the change meet a refused connection. A new endpoint is a
 * new backend (a new port), as a new instance is. Counts the failed requests and how fast a new
 * endpoint gets traffic (fair share 25 %).
 */
final class ChurnScenario extends Scenario {

  static final int CONFIGURED = 4;
  static final double PERIOD_SECONDS = 1;

  private final double length;
  private final int changes;

  ChurnScenario(double scale) {
    this.length = 7 * scale;
    int k = 0;
    while (changeAt(k + 1) < length) {
      k++;
    }
    this.changes = k;
  }

  @Override
  String name() {
    return "churn";
  }

  @Override
  String description() {
    return "four endpoints at 2 ms, 4 callers; every second a new one added and one removed, which then dies";
  }

  @Override
  int callers() {
    return 4;
  }

  /** b0 to b3 at the start, then one new backend per change. */
  @Override
  List<BackendSpec> backends() {
    return Scenarios.fast(0, CONFIGURED + changes, null);
  }

  @Override
  List<String> initialEndpoints() {
    return configuredAfter(0);
  }

  /** After change k: b(k) … b(k+3). */
  private static List<String> configuredAfter(int change) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < CONFIGURED; i++) {
      names.add("b" + (change + i));
    }
    return names;
  }

  @Override
  double lengthSeconds() {
    return length;
  }

  @Override
  void drive(RunControl control) throws InterruptedException {
    for (int k = 1; k <= changes; k++) {
      control.waitUntil(changeAt(k));
      String removed = "b" + (k - 1);
      control.endpoints(configuredAfter(k));
      control.backend(removed).kill();
      control.event("add", addedBy(k), "+" + addedBy(k) + " -" + removed);
    }
  }

  private static double changeAt(int k) {
    return k * PERIOD_SECONDS;
  }

  /** The backend change k adds. */
  private static String addedBy(int k) {
    return "b" + (k + CONFIGURED - 1);
  }

  @Override
  String interestLabel() {
    return "the endpoint added last";
  }

  @Override
  Predicate<RunRecord.BackendSeries> interestAt(RunRecord run, int bucket) {
    int k = (int) Math.floor(bucket * run.bucketSeconds() / PERIOD_SECONDS + 1e-9);
    return k < 1 || k > changes ? null : RunRecord.named(addedBy(k));
  }

  @Override
  double fairShare() {
    return 1.0 / CONFIGURED;
  }

  @Override
  List<Measure> measure(RunRecord run) {
    return List.of(
        new Measure("failures", Measure.Unit.COUNT, run.failures(0, length)),
        new Measure("requests", Measure.Unit.COUNT, run.succeeded(0, length) + run.failures(0, length)),
        new Measure("retries", Measure.Unit.COUNT, run.meshEventCount("RetryScheduled")),
        new Measure("changes", Measure.Unit.COUNT, run.events().size()),
        new Measure("newEndpointShareFirstSecond", Measure.Unit.SHARE, newEndpointShare(run)),
        new Measure("p99Ms", Measure.Unit.MILLIS, run.percentileMillis(99, Scenarios.settle(length), length)));
  }

  /** The share of each added endpoint in the second after it was added, over all the changes. */
  private double newEndpointShare(RunRecord run) {
    long added = 0;
    long all = 0;
    for (int k = 1; k <= changes && changeAt(k) + PERIOD_SECONDS <= length; k++) {
      int from = run.firstBucketFrom(changeAt(k));
      int to = run.endBucketAt(changeAt(k) + PERIOD_SECONDS);
      added += run.arrivals(RunRecord.named(addedBy(k)), from, to);
      all += run.arrivals(b -> true, from, to);
    }
    return all == 0 ? Double.NaN : (double) added / all;
  }
}
