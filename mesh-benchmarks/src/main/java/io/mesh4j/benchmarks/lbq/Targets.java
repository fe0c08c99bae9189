package io.mesh4j.benchmarks.lbq;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.DoublePredicate;

/**
 * The targets, each evaluated for every policy variant from the medians of its runs. They
 * are stated for the default policy (peak-ewma); the others' values show how far each is.
 */
final class Targets {

  enum Status {
    MET,
    MISSED,
    /** A scenario (or the round-robin reference) it needs did not run. */
    NOT_RUN
  }

  /** How one variant did on one target. */
  record Outcome(String variant, Status status, double value) {}

  /** One target and how every variant did. */
  record Evaluation(Target target, List<Outcome> outcomes) {}

  /** What the value of a target is for a variant, from the results. */
  interface Value {
    OptionalDouble of(Results results, String variant);
  }

  record Target(String id, String text, String threshold, Measure.Unit unit, Value value, DoublePredicate met) {}

  static final String ROUND_ROBIN = "round-robin";

  static List<Target> all() {
    return List.of(
        new Target(
            "slow-share", "one of five 10x slower: the slow endpoint's share", "< 1 %", Measure.Unit.SHARE,
            metric("slow-endpoint", "slowShare"), v -> v < 0.01),
        new Target(
            "slow-p99-vs-all-fast", "one of five 10x slower: p99 / p99 of the all-fast run", "<= 1.5x",
            Measure.Unit.RATIO, ratio("slow-endpoint", "all-fast"), v -> v <= 1.5),
        new Target(
            "slow-p99-vs-round-robin", "one of five 10x slower: round-robin's p99 / this p99", ">= 3x",
            Measure.Unit.RATIO, againstRoundRobin(), v -> v >= 3),
        new Target(
            "cold-start-share", "cold start, sequential: the cold endpoint's share from 2 s on", "30-70 %",
            Measure.Unit.SHARE, metric("cold-start", "coldShareFrom2s"), v -> v >= 0.3 && v <= 0.7),
        new Target(
            "stall-share", "stall: the stalled endpoint's share during the stall", "< 0.5 %", Measure.Unit.SHARE,
            metric("stall", "shareDuringStall"), v -> v < 0.005),
        new Target(
            "stall-recovery", "stall: time to half its fair share after recovery (1 s window)", "<= 10 s",
            Measure.Unit.SECONDS, metric("stall", "recoverySeconds"), v -> v <= 10),
        new Target(
            "zone-local-share", "zones: share of zone a (the client's) while healthy", ">= 95 %",
            Measure.Unit.SHARE, metric("zones", "zoneAShareHealthy"), v -> v >= 0.95),
        new Target(
            "zone-dead-failures", "zones: failed requests after zone a died", "0", Measure.Unit.COUNT,
            metric("zones", "failuresDead"), v -> v == 0));
  }

  static List<Evaluation> evaluate(Results results, List<PolicyVariant> variants) {
    List<Evaluation> out = new ArrayList<>();
    for (Target t : all()) {
      List<Outcome> outcomes = new ArrayList<>();
      for (PolicyVariant v : variants) {
        OptionalDouble value = t.value().of(results, v.label());
        if (value.isEmpty()) {
          outcomes.add(new Outcome(v.label(), Status.NOT_RUN, Double.NaN));
        } else {
          double x = value.getAsDouble();
          // NaN (no data) never meets a target; neither does "never" (infinite)
          boolean met = !Double.isNaN(x) && !Double.isInfinite(x) && t.met().test(x);
          outcomes.add(new Outcome(v.label(), met ? Status.MET : Status.MISSED, x));
        }
      }
      out.add(new Evaluation(t, outcomes));
    }
    return out;
  }

  private static Value metric(String scenario, String key) {
    return (results, variant) -> results.median(scenario, variant, key);
  }

  /** This variant's p99 in one scenario over its p99 in another. */
  private static Value ratio(String scenario, String baseline) {
    return (results, variant) -> {
      OptionalDouble p99 = results.median(scenario, variant, "p99Ms");
      OptionalDouble base = results.median(baseline, variant, "p99Ms");
      return p99.isPresent() && base.isPresent()
          ? OptionalDouble.of(p99.getAsDouble() / base.getAsDouble())
          : OptionalDouble.empty();
    };
  }

  /** Round-robin's p99 over this variant's, in the slow-endpoint scenario. */
  private static Value againstRoundRobin() {
    return (results, variant) -> {
      OptionalDouble rr = results.median("slow-endpoint", ROUND_ROBIN, "p99Ms");
      OptionalDouble p99 = results.median("slow-endpoint", variant, "p99Ms");
      return rr.isPresent() && p99.isPresent()
          ? OptionalDouble.of(rr.getAsDouble() / p99.getAsDouble())
          : OptionalDouble.empty();
    };
  }
}
