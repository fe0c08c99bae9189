package io.mesh4j.benchmarks.lbq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Every run of the suite, by scenario then policy variant (in the order first run), with each
 * scenario's figures per run and their medians over the repetitions.
 */
final class Results {

  /** One scenario's runs with one variant. */
  record VariantRuns(PolicyVariant variant, List<RunRecord> runs, List<List<Measure>> measures) {

    /** Each figure's median over the runs (NaN and infinite values sort last, as "worst"). */
    List<Measure> medians() {
      List<Measure> out = new ArrayList<>();
      for (int k = 0; k < measures.get(0).size(); k++) {
        Measure first = measures.get(0).get(k);
        double[] values = new double[measures.size()];
        for (int r = 0; r < values.length; r++) {
          values[r] = measures.get(r).get(k).value();
        }
        out.add(new Measure(first.key(), first.unit(), medianOf(values)));
      }
      return out;
    }

    OptionalDouble median(String key) {
      return medians().stream()
          .filter(m -> m.key().equals(key))
          .mapToDouble(Measure::value)
          .findFirst();
    }
  }

  /** One scenario's runs, by variant label. */
  record ScenarioRuns(Scenario scenario, Map<String, VariantRuns> byVariant) {}

  private final Map<String, ScenarioRuns> byScenario = new LinkedHashMap<>();

  void add(Scenario scenario, PolicyVariant variant, RunRecord run) {
    ScenarioRuns s =
        byScenario.computeIfAbsent(scenario.name(), n -> new ScenarioRuns(scenario, new LinkedHashMap<>()));
    VariantRuns v =
        s.byVariant().computeIfAbsent(variant.label(), l -> new VariantRuns(variant, new ArrayList<>(), new ArrayList<>()));
    v.runs().add(run);
    v.measures().add(figures(scenario, run));
  }

  /** The scenario's figures, then the machine's noise during the run (the same in every scenario). */
  static List<Measure> figures(Scenario scenario, RunRecord run) {
    List<Measure> all = new ArrayList<>(scenario.measure(run));
    all.add(new Measure("hiccupP99Ms", Measure.Unit.MILLIS, run.noise().hiccupP99Ms()));
    all.add(new Measure("hiccupMaxMs", Measure.Unit.MILLIS, run.noise().hiccupMaxMs()));
    return all;
  }

  List<ScenarioRuns> scenarios() {
    return List.copyOf(byScenario.values());
  }

  /** The median of a figure, or empty when that scenario did not run with that variant. */
  OptionalDouble median(String scenario, String variant, String key) {
    ScenarioRuns s = byScenario.get(scenario);
    VariantRuns v = s == null ? null : s.byVariant().get(variant);
    return v == null ? OptionalDouble.empty() : v.median(key);
  }

  private static double medianOf(double[] values) {
    double[] sorted = values.clone();
    // NaN sorts after +Infinity in Arrays.sort: both count as the worst outcomes
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
