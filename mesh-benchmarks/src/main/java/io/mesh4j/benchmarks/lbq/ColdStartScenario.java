package io.mesh4j.benchmarks.lbq;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Sequential traffic (one caller) over two identical backends at 2 ms, one of which had a cold
 * start: b0's first answer takes 300 ms. Target: from 2 s on, each gets 30–70 % of the requests.
 */
final class ColdStartScenario extends Scenario {

  static final Duration FIRST_ANSWER = Duration.ofMillis(300);
  static final double FROM_SECONDS = 2;

  private final double length;
  private final double from;

  ColdStartScenario(double scale) {
    this.length = 5 * scale;
    this.from = Math.min(FROM_SECONDS, length / 2);
  }

  @Override
  String name() {
    return "cold-start";
  }

  @Override
  String description() {
    return "two backends at 2 ms, 1 caller; b0's first answer takes 300 ms (a cold start)";
  }

  @Override
  int callers() {
    return 1;
  }

  @Override
  List<BackendSpec> backends() {
    return List.of(
        new BackendSpec("b0", null, () -> BackendModel.serving(Scenarios.FAST).withColdFirstAnswer(FIRST_ANSWER)),
        new BackendSpec("b1", null, () -> BackendModel.serving(Scenarios.FAST)));
  }

  @Override
  double lengthSeconds() {
    return length;
  }

  @Override
  String interestLabel() {
    return "b0, the endpoint with the cold start";
  }

  @Override
  Predicate<RunRecord.BackendSeries> interestAt(RunRecord run, int bucket) {
    return RunRecord.named("b0");
  }

  @Override
  double fairShare() {
    return 0.5;
  }

  @Override
  List<Measure> measure(RunRecord run) {
    Predicate<RunRecord.BackendSeries> b0 = RunRecord.named("b0");
    return List.of(
        new Measure("coldShareFrom2s", Measure.Unit.SHARE, run.share(b0, from, length)),
        new Measure("coldRequestsBefore2s", Measure.Unit.COUNT, run.arrivals(b0, 0, run.endBucketAt(from))),
        new Measure("warmRequestsBefore2s", Measure.Unit.COUNT, run.arrivals(b0.negate(), 0, run.endBucketAt(from))),
        new Measure("p99Ms", Measure.Unit.MILLIS, run.percentileMillis(99, from, length)),
        new Measure("failures", Measure.Unit.COUNT, run.failures(0, length)));
  }
}
