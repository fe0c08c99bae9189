package io.mesh4j.benchmarks.lbq;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Six backends at 2 ms, four of them configured at a time, 4 callers. Every second one endpoint
 * is removed and another added (through {@code MeshClient.apply}, as a control plane pushes
 * endpoints); removed backends keep running, as a draining instance would, and a backend comes
 * back two changes after it left, as a new endpoint. Counts the failed requests and how fast a
 * new endpoint gets traffic (fair share 25 %).
 */
final class ChurnScenario extends Scenario {

  static final int POOL = 6;
  static final int CONFIGURED = 4;
  static final double PERIOD_SECONDS = 1;

  private final double length;

  ChurnScenario(double scale) {
    this.length = 7 * scale;
  }

  @Override
  String name() {
    return "churn";
  }

  @Override
  String description() {
    return "six backends at 2 ms, four configured, 4 callers; every second one removed and another added";
  }

  @Override
  int callers() {
    return 4;
  }

  @Override
  List<BackendSpec> backends() {
    return Scenarios.fast(0, POOL, null);
  }

  @Override
  List<String> initialEndpoints() {
    return configuredAfter(0);
  }

  /** After change k: b(k) … b(k+3), modulo the pool. */
  private static List<String> configuredAfter(int change) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < CONFIGURED; i++) {
      names.add("b" + (change + i) % POOL);
    }
    return names;
  }

  @Override
  double lengthSeconds() {
    return length;
  }

  @Override
  void drive(RunControl control) throws InterruptedException {
    for (int k = 1; changeAt(k) < length; k++) {
      control.waitUntil(changeAt(k));
      control.endpoints(configuredAfter(k));
      control.event("add", addedBy(k), "+" + addedBy(k) + " -b" + (k - 1) % POOL);
    }
  }

  private static double changeAt(int k) {
    return k * PERIOD_SECONDS;
  }

  /** The backend change k adds. */
  private static String addedBy(int k) {
    return "b" + (k + CONFIGURED - 1) % POOL;
  }

  @Override
  String interestLabel() {
    return "the endpoint added last";
  }

  @Override
  Predicate<RunRecord.BackendSeries> interestAt(RunRecord run, int bucket) {
    int k = (int) Math.floor(bucket * run.bucketSeconds() / PERIOD_SECONDS + 1e-9);
    return k < 1 ? null : RunRecord.named(addedBy(k));
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
        new Measure("changes", Measure.Unit.COUNT, run.events().size()),
        new Measure("newEndpointShareFirstSecond", Measure.Unit.SHARE, newEndpointShare(run)),
        new Measure("p99Ms", Measure.Unit.MILLIS, run.percentileMillis(99, Scenarios.settle(length), length)));
  }

  /** The share of each added endpoint in the second after it was added, over all the changes. */
  private double newEndpointShare(RunRecord run) {
    long added = 0;
    long all = 0;
    for (int k = 1; changeAt(k) + PERIOD_SECONDS <= length; k++) {
      int from = run.firstBucketFrom(changeAt(k));
      int to = run.endBucketAt(changeAt(k) + PERIOD_SECONDS);
      added += run.arrivals(RunRecord.named(addedBy(k)), from, to);
      all += run.arrivals(b -> true, from, to);
    }
    return all == 0 ? Double.NaN : (double) added / all;
  }
}
