package io.mesh4j.benchmarks.lbq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The scenarios by their command-line names, and what they share. */
final class Scenarios {

  static final List<String> NAMES = List.of("slow", "stall", "cold-start", "churn", "zones");

  /** A healthy backend's service time. */
  static final Duration FAST = Duration.ofMillis(2);

  /** A slow backend's: 10× {@link #FAST}. */
  static final Duration SLOW = Duration.ofMillis(20);

  /** Policies learn from the first requests: figures of a steady state start after this. */
  static final double SETTLE_SECONDS = 1.0;

  private Scenarios() {}

  /**
   * The scenarios a name runs, back to back with each policy: {@code slow} runs its all-fast
   * baseline first, so that the two runs a target compares are next to each other in time.
   */
  static List<Scenario> forName(String name, double scale) {
    return switch (name) {
      case "slow" -> List.of(SlowEndpointScenario.allFast(scale), SlowEndpointScenario.oneSlow(scale));
      case "stall" -> List.of(new StallScenario(scale));
      case "cold-start" -> List.of(new ColdStartScenario(scale));
      case "churn" -> List.of(new ChurnScenario(scale));
      case "zones" -> List.of(new ZoneScenario(scale));
      default -> throw new IllegalArgumentException("unknown scenario " + name + "; known: " + NAMES);
    };
  }

  /** {@code count} backends b{first}… serving in {@link #FAST}, in {@code zone} (null: none). */
  static List<Scenario.BackendSpec> fast(int first, int count, String zone) {
    List<Scenario.BackendSpec> specs = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      specs.add(new Scenario.BackendSpec("b" + i, zone, () -> BackendModel.serving(FAST)));
    }
    return specs;
  }

  /**
   * The start of a steady-state window in a first phase this long: {@link #SETTLE_SECONDS}, or a
   * quarter of the phase when it is short (a scaled run).
   */
  static double settle(double firstPhaseSeconds) {
    return Math.min(SETTLE_SECONDS, firstPhaseSeconds / 4);
  }

  /** Requests per second that succeeded in the window. */
  static double throughput(RunRecord run, double from, double to) {
    return to > from ? run.succeeded(from, to) / (to - from) : Double.NaN;
  }
}
