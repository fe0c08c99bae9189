package io.mesh4j.benchmarks.lbq;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results file's content (schema {@value #SCHEMA}, documented in docs/benchmarks.md). */
final class ResultsJson {

  static final String SCHEMA = "mesh4j-lb-quality/1";

  private ResultsJson() {}

  static Map<String, Object> of(
      SuiteOptions options, Map<String, Object> machine, Instant startedAt, double seconds, Results results,
      List<Targets.Evaluation> targets) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("schema", SCHEMA);
    root.put("label", options.label());
    root.put("startedAt", startedAt.toString());
    root.put("seconds", seconds);
    root.put("machine", machine);
    root.put("options", options(options));
    List<Object> scenarios = new ArrayList<>();
    results.scenarios().forEach(s -> scenarios.add(scenario(s)));
    root.put("scenarios", scenarios);
    List<Object> evaluations = new ArrayList<>();
    targets.forEach(t -> evaluations.add(target(t, options.targetPolicy())));
    root.put("targets", evaluations);
    return root;
  }

  private static Map<String, Object> options(SuiteOptions o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenarios", o.scenarios());
    m.put("policies", o.variants().stream().map(PolicyVariant::label).toList());
    m.put("properties", o.properties());
    Map<String, Object> perPolicy = new LinkedHashMap<>();
    o.variants().forEach(v -> perPolicy.put(v.label(), v.properties()));
    m.put("policyProperties", perPolicy);
    m.put("scale", o.scale());
    m.put("repetitions", o.repetitions());
    m.put("bucketMillis", o.bucket().toMillis());
    m.put("warmUpMillis", o.warmUp().toMillis());
    m.put("targetPolicy", o.targetPolicy());
    m.put("resilience", o.resilience());
    return m;
  }

  private static Map<String, Object> scenario(Results.ScenarioRuns runs) {
    Scenario s = runs.scenario();
    RunRecord first = runs.byVariant().values().iterator().next().runs().get(0);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("description", s.description());
    m.put("callers", s.callers());
    m.put("lengthSeconds", s.lengthSeconds());
    m.put("bucketSeconds", first.bucketSeconds());
    m.put("interest", s.interestLabel());
    m.put("fairShare", s.fairShare());
    List<Object> backends = new ArrayList<>();
    for (RunRecord.BackendSeries b : first.backends()) {
      Map<String, Object> bm = new LinkedHashMap<>();
      bm.put("name", b.name());
      bm.put("zone", b.zone());
      bm.put("model", b.model());
      backends.add(bm);
    }
    m.put("backends", backends);
    m.put("events", events(first.events()));
    List<Object> policies = new ArrayList<>();
    runs.byVariant().values().forEach(v -> policies.add(variant(s, v)));
    m.put("policies", policies);
    return m;
  }

  private static List<Object> events(List<ScenarioEvent> events) {
    List<Object> out = new ArrayList<>();
    for (ScenarioEvent e : events) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("atSeconds", e.atSeconds());
      m.put("kind", e.kind());
      m.put("backend", e.backend());
      m.put("text", e.text());
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> variant(Scenario s, Results.VariantRuns v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("label", v.variant().label());
    m.put("policy", v.variant().policy());
    Map<String, Object> figures = new LinkedHashMap<>();
    List<Measure> medians = v.medians();
    for (int k = 0; k < medians.size(); k++) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("unit", medians.get(k).unit().name().toLowerCase(Locale.ROOT));
      f.put("median", medians.get(k).value());
      List<Object> perRun = new ArrayList<>();
      for (List<Measure> run : v.measures()) {
        perRun.add(run.get(k).value());
      }
      f.put("runs", perRun);
      figures.put(medians.get(k).key(), f);
    }
    m.put("figures", figures);
    List<Object> runs = new ArrayList<>();
    for (RunRecord r : v.runs()) {
      Map<String, Object> rm = new LinkedHashMap<>();
      rm.put("repetition", r.repetition());
      rm.put("startedAt", r.startedAt().toString());
      rm.put("failureKinds", r.client().failureKinds());
      rm.put("meshEvents", r.meshEvents());
      runs.add(rm);
    }
    m.put("runs", runs);
    m.put("series", series(PooledSeries.of(s, v.runs())));
    return m;
  }

  private static Map<String, Object> series(PooledSeries p) {
    double[] time = new double[p.buckets()];
    for (int i = 0; i < time.length; i++) {
      time[i] = p.midSeconds(i);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("timeSeconds", time);
    m.put("interestShare", p.interestShare());
    m.put("p50Ms", p.p50Ms());
    m.put("p99Ms", p.p99Ms());
    m.put("failed", p.failed());
    m.put("succeeded", p.succeeded());
    m.put("arrivals", new LinkedHashMap<>(p.arrivals()));
    return m;
  }

  private static Map<String, Object> target(Targets.Evaluation e, String targetPolicy) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.target().id());
    m.put("text", e.target().text());
    m.put("threshold", e.target().threshold());
    m.put("unit", e.target().unit().name().toLowerCase(Locale.ROOT));
    m.put("targetPolicy", targetPolicy);
    List<Object> outcomes = new ArrayList<>();
    for (Targets.Outcome o : e.outcomes()) {
      Map<String, Object> om = new LinkedHashMap<>();
      om.put("policy", o.variant());
      om.put("status", o.status().name());
      om.put("value", o.value());
      om.put("display", e.target().unit().format(o.value()));
      outcomes.add(om);
    }
    m.put("outcomes", outcomes);
    return m;
  }
}
