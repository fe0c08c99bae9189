package io.mesh4j.benchmarks.lbq;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Five backends at 2 ms, 4 callers. At 2 s b0 stalls for 3 s: every request arriving meanwhile is
 * answered after 2 s. Then it serves in 2 ms again. Targets: under 0.5 % of the requests reach it
 * during the stall, and within 10 s of its recovery it is back to at least half its fair share
 * (10 %), measured over a sliding 1 s window.
 */
final class StallScenario extends Scenario {

  static final Duration ANSWER_AFTER = Duration.ofSeconds(2);
  static final double RECOVERY_WINDOW_SECONDS = 1;

  private final double stallAt;
  private final double recoverAt;
  private final double length;
  private final double tail; // where the share settles: the last 2 s

  StallScenario(double scale) {
    this.stallAt = 2 * scale;
    this.recoverAt = 5 * scale;
    this.length = 16 * scale;
    this.tail = 2 * scale;
  }

  @Override
  String name() {
    return "stall";
  }

  @Override
  String description() {
    return String.format(
        Locale.ROOT,
        "five backends at 2 ms, 4 callers; b0 answers after 2 s from %.1f s to %.1f s, then recovers",
        stallAt, recoverAt);
  }

  @Override
  int callers() {
    return 4;
  }

  @Override
  List<BackendSpec> backends() {
    return Scenarios.fast(0, 5, null);
  }

  @Override
  double lengthSeconds() {
    return length;
  }

  @Override
  void drive(RunControl control) throws InterruptedException {
    BackendModel b0 = control.backend("b0").model();
    control.waitUntil(stallAt);
    b0.stall(ANSWER_AFTER);
    control.event("stall", "b0", "b0 stalls");
    control.waitUntil(recoverAt);
    b0.recover();
    control.event("recover", "b0", "b0 recovers");
  }

  @Override
  String interestLabel() {
    return "b0, the stalled endpoint";
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
    Predicate<RunRecord.BackendSeries> b0 = RunRecord.named("b0");
    return List.of(
        new Measure("shareDuringStall", Measure.Unit.SHARE, run.share(b0, stallAt, recoverAt)),
        new Measure("recoverySeconds", Measure.Unit.SECONDS, recoverySeconds(run, b0)),
        new Measure("shareAfterRecovery", Measure.Unit.SHARE, run.share(b0, recoverAt, length)),
        new Measure("shareAtEnd", Measure.Unit.SHARE, run.share(b0, length - tail, length)),
        new Measure("p99Ms", Measure.Unit.MILLIS, run.percentileMillis(99, Scenarios.settle(stallAt), length)),
        new Measure("p99DuringStallMs", Measure.Unit.MILLIS, run.percentileMillis(99, stallAt, recoverAt)),
        new Measure("failures", Measure.Unit.COUNT, run.failures(0, length)));
  }

  /**
   * Seconds from the recovery to the end of the first 1 s window (sliding by a bucket, starting at
   * the recovery) in which b0 got at least half its fair share; infinite when none did in the run.
   */
  private double recoverySeconds(RunRecord run, Predicate<RunRecord.BackendSeries> b0) {
    int window = (int) Math.max(1, Math.round(RECOVERY_WINDOW_SECONDS / run.bucketSeconds()));
    for (int start = run.firstBucketFrom(recoverAt); start + window <= run.buckets(); start++) {
      if (run.shareOfBuckets(b0, start, start + window) >= fairShare() / 2) {
        return (start + window) * run.bucketSeconds() - recoverAt;
      }
    }
    return Double.POSITIVE_INFINITY;
  }
}
