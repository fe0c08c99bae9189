package io.mesh4j.benchmarks.lbq;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * Runs one scenario with one policy: fresh backends and a fresh client, the callers from time zero
 * to the scenario's length while its timeline runs, then everything closed. Nothing outlives a run.
 */
final class ScenarioRunner {

  private static final Request REQUEST =
      new Request.Builder().url("http://" + MeshSetup.SERVICE + "/items/42").build();

  private final SuiteOptions options;

  ScenarioRunner(SuiteOptions options) {
    this.options = options;
  }

  RunRecord run(Scenario scenario, PolicyVariant variant, int repetition) throws Exception {
    Duration length = Duration.ofNanos((long) (scenario.lengthSeconds() * 1e9));
    TimeBuckets time = new TimeBuckets(options.bucket(), length);
    Map<String, ModelBackend> backends = new LinkedHashMap<>();
    Map<String, String> models = new LinkedHashMap<>(); // as at the start; the timeline changes them
    List<ScenarioEvent> events = new ArrayList<>();
    OkHttpClient plain = new OkHttpClient(); // mesh routes use the mesh's own connection pool
    ClientSeries client;
    Instant startedAt;
    Map<String, Long> meshEvents;
    RunRecord.Noise noise;
    try {
      for (Scenario.BackendSpec spec : scenario.backends()) {
        BackendModel model = spec.model().get();
        models.put(spec.name(), model.describe());
        backends.put(spec.name(), ModelBackend.start(spec.name(), spec.zone(), model, time));
      }
      List<String> initial = scenario.initialEndpoints().stream().map(n -> backends.get(n).endpointSpec()).toList();
      try (MeshSetup mesh =
          MeshSetup.start(variant, scenario.properties(), options.properties(), initial, options.resilience())) {
        OkHttpClient viaMesh = mesh.wrap(plain);
        time.start();
        startedAt = Instant.now();
        HiccupMeter hiccups = HiccupMeter.start();
        LoadDriver load = LoadDriver.start(viaMesh, REQUEST, scenario.callers(), time);
        RunControl control = new RunControl(time, backends, mesh, events);
        try {
          scenario.drive(control);
          control.waitUntil(scenario.lengthSeconds());
        } finally {
          client = load.stop();
          hiccups.stop();
        }
        noise = new RunRecord.Noise(hiccups.percentileMillis(99), hiccups.maxMillis());
        meshEvents = mesh.eventCounts();
      }
    } finally {
      backends.values().forEach(ModelBackend::close);
      plain.dispatcher().executorService().shutdown();
      plain.connectionPool().evictAll();
    }
    List<RunRecord.BackendSeries> series = new ArrayList<>();
    for (Scenario.BackendSpec spec : scenario.backends()) {
      ModelBackend b = backends.get(spec.name());
      series.add(new RunRecord.BackendSeries(b.name(), b.zone(), models.get(b.name()), b.arrivals()));
    }
    return new RunRecord(
        scenario.name(), variant.label(), repetition, startedAt, time.widthSeconds(), series, client,
        List.copyOf(events), meshEvents, noise, scenario.lengthSeconds());
  }

  /** Unrecorded traffic, so that the first policy measured does not pay for C2 and cold pools. */
  void warmUp(PolicyVariant variant) throws Exception {
    double seconds = options.warmUp().toNanos() / 1e9;
    if (seconds > 0) {
      run(new SlowEndpointScenario(false, seconds), variant, 0);
    }
  }
}
