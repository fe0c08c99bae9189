package io.mesh4j.benchmarks.lbq;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Two zones of three backends at 2 ms; the client is in zone a ({@code mesh.locality.zone=a}),
 * 4 callers. At 4 s zone a turns slow (20 ms), at 8 s it dies (its servers stop: connections
 * refused). Targets: at least 95 % of the requests stay in zone a while it is healthy; no failed
 * request (they are GETs: idempotent, retried by mesh-resilience) when zone a dies and the
 * traffic moves to zone b. Three backends per zone: six in all, Envoy's minimum cluster size for
 * zone-aware routing.
 */
final class ZoneScenario extends Scenario {

  private static final List<String> ZONE_A = List.of("b0", "b1", "b2");

  private final double slowAt;
  private final double deadAt;
  private final double length;

  ZoneScenario(double scale) {
    this.slowAt = 4 * scale;
    this.deadAt = 8 * scale;
    this.length = 12 * scale;
  }

  @Override
  String name() {
    return "zones";
  }

  @Override
  String description() {
    return String.format(
        Locale.ROOT,
        "zones a (b0-b2) and b (b3-b5) at 2 ms, client in zone a, 4 callers; zone a slow (20 ms) at %.1f s,"
            + " dead at %.1f s",
        slowAt, deadAt);
  }

  @Override
  int callers() {
    return 4;
  }

  @Override
  List<BackendSpec> backends() {
    List<BackendSpec> specs = new ArrayList<>(Scenarios.fast(0, 3, "a"));
    specs.addAll(Scenarios.fast(3, 3, "b"));
    return specs;
  }

  @Override
  Map<String, String> properties() {
    return Map.of("mesh.locality.zone", "a");
  }

  @Override
  double lengthSeconds() {
    return length;
  }

  @Override
  void drive(RunControl control) throws InterruptedException {
    control.waitUntil(slowAt);
    ZONE_A.forEach(b -> control.backend(b).model().serviceTime(Scenarios.SLOW));
    control.event("slow", "b0", "zone a slow");
    control.waitUntil(deadAt);
    ZONE_A.forEach(b -> control.backend(b).kill());
    control.event("kill", "b0", "zone a dies");
  }

  @Override
  String interestLabel() {
    return "zone a (the client's zone)";
  }

  @Override
  Predicate<RunRecord.BackendSeries> interestAt(RunRecord run, int bucket) {
    return RunRecord.inZone("a");
  }

  @Override
  double fairShare() {
    return 0.5;
  }

  @Override
  List<Measure> measure(RunRecord run) {
    Predicate<RunRecord.BackendSeries> zoneA = RunRecord.inZone("a");
    double settle = Scenarios.settle(slowAt);
    return List.of(
        new Measure("zoneAShareHealthy", Measure.Unit.SHARE, run.share(zoneA, settle, slowAt)),
        new Measure("zoneAShareSlow", Measure.Unit.SHARE, run.share(zoneA, slowAt, deadAt)),
        new Measure("failuresHealthy", Measure.Unit.COUNT, run.failures(0, slowAt)),
        new Measure("failuresSlow", Measure.Unit.COUNT, run.failures(slowAt, deadAt)),
        new Measure("failuresDead", Measure.Unit.COUNT, run.failures(deadAt, length)),
        new Measure("p99HealthyMs", Measure.Unit.MILLIS, run.percentileMillis(99, settle, slowAt)),
        new Measure("p99SlowMs", Measure.Unit.MILLIS, run.percentileMillis(99, slowAt, deadAt)),
        new Measure("p99DeadMs", Measure.Unit.MILLIS, run.percentileMillis(99, deadAt, length)),
        new Measure("throughputHealthy", Measure.Unit.PER_SECOND, Scenarios.throughput(run, settle, slowAt)),
        new Measure("throughputDead", Measure.Unit.PER_SECOND, Scenarios.throughput(run, deadAt, length)),
        new Measure("retries", Measure.Unit.COUNT, run.meshEventCount("RetryScheduled")),
        new Measure("ejections", Measure.Unit.COUNT, run.meshEventCount("EndpointEjected")));
  }
}
