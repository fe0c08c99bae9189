package io.mesh4j.benchmarks.lbq;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Five backends, 4 callers; b0 serves in 20 ms, 10× slower than the others (2 ms) — or, as the
 * baseline, as fast as they are. The first target: with peak-EWMA the slow endpoint gets
 * under 1 % of the requests and p99 stays within 1.5× the all-fast run's.
 */
final class SlowEndpointScenario extends Scenario {

  static final double LENGTH_SECONDS = 6;

  private final boolean slow;
  private final double length;

  SlowEndpointScenario(boolean slow, double lengthSeconds) {
    this.slow = slow;
    this.length = lengthSeconds;
  }

  static SlowEndpointScenario oneSlow(double scale) {
    return new SlowEndpointScenario(true, LENGTH_SECONDS * scale);
  }

  static SlowEndpointScenario allFast(double scale) {
    return new SlowEndpointScenario(false, LENGTH_SECONDS * scale);
  }

  @Override
  String name() {
    return slow ? "slow-endpoint" : "all-fast";
  }

  @Override
  String description() {
    return slow
        ? "five backends, b0 10x slower (20 ms vs 2 ms), 4 callers"
        : "five backends all serving in 2 ms (the slow-endpoint baseline), 4 callers";
  }

  @Override
  int callers() {
    return 4;
  }

  @Override
  List<BackendSpec> backends() {
    List<BackendSpec> specs = new ArrayList<>();
    specs.add(
        new BackendSpec("b0", null, () -> BackendModel.serving(slow ? Scenarios.SLOW : Scenarios.FAST)));
    specs.addAll(Scenarios.fast(1, 4, null));
    return specs;
  }

  @Override
  double lengthSeconds() {
    return length;
  }

  @Override
  String interestLabel() {
    return slow ? "b0, the slow endpoint" : "b0 (as fast as the others here)";
  }

  @Override
  Predicate<RunRecord.BackendSeries> interestAt(RunRecord run, int bucket) {
    return RunRecord.named("b0");
  }

  @Override
  double fairShare() {
    return 0.2;
  }

  @Override
  List<Measure> measure(RunRecord run) {
    double from = Scenarios.settle(length);
    return List.of(
        new Measure(slow ? "slowShare" : "b0Share", Measure.Unit.SHARE, run.share(RunRecord.named("b0"), from, length)),
        new Measure("p50Ms", Measure.Unit.MILLIS, run.percentileMillis(50, from, length)),
        new Measure("p99Ms", Measure.Unit.MILLIS, run.percentileMillis(99, from, length)),
        new Measure("failures", Measure.Unit.COUNT, run.failures(0, length)),
        new Measure("throughput", Measure.Unit.PER_SECOND, Scenarios.throughput(run, from, length)));
  }
}
