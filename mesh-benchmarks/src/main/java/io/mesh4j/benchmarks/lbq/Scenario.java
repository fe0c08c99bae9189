package io.mesh4j.benchmarks.lbq;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One scenario of the suite: the backends and their models, the callers, the timeline of changes
 * and what is measured. An instance has its phase lengths already scaled ({@code --scale}); it is
 * stateless across runs (each run gets fresh backends, models and client).
 */
abstract class Scenario {

  /** A backend to start for each run; {@code zone} null for none. */
  record BackendSpec(String name, String zone, Supplier<BackendModel> model) {}

  /** The name used on the command line, in the JSON and for the chart's file. */
  abstract String name();

  /** One line: what happens. */
  abstract String description();

  abstract int callers();

  abstract List<BackendSpec> backends();

  abstract double lengthSeconds();

  /** The backends in the client's endpoints at the start; all of them unless overridden. */
  List<String> initialEndpoints() {
    return backends().stream().map(BackendSpec::name).toList();
  }

  /** Mesh properties of the scenario (e.g. the client's zone), before the user's. */
  Map<String, String> properties() {
    return Map.of();
  }

  /** The timeline: waits and changes. The callers run from 0 to {@link #lengthSeconds()}. */
  void drive(RunControl control) throws InterruptedException {}

  /** What the chart's share panel shows, e.g. "b0 (the slow endpoint)". */
  abstract String interestLabel();

  /** The endpoints whose share the chart shows in a bucket; null when none applies there. */
  abstract Predicate<RunRecord.BackendSeries> interestAt(RunRecord run, int bucket);

  /** The interesting endpoints' share with no preference at all (a dashed line on the chart). */
  abstract double fairShare();

  /** The scenario's figures for one run. */
  abstract List<Measure> measure(RunRecord run);
}
