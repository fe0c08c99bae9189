package io.mesh4j.benchmarks.lbq;

import io.mesh4j.config.MeshConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The load-balancing quality suite: the scenarios of issue 10 (one endpoint 10× slower, one
 * stalled then recovered, a cold start under sequential traffic, endpoints added and removed under
 * load, two zones with one degraded) against real JDK HttpServer backends on loopback through a real
 * MeshClient, with every policy side by side. Each repetition runs every scenario with every policy
 * in a rotated order, so that a noisy moment of the machine does not always fall on the same
 * policy. Writes results.json and a PNG per scenario, and prints the figures and the targets
 * (MET / MISSED). Not a test: nothing here runs in {@code mvn verify}. Usage: {@link
 * SuiteOptions#USAGE}.
 */
public final class LbQualitySuite {

  private static final String RESILIENCE_LOG_LEVEL = "org.slf4j.simpleLogger.log.io.mesh4j.resilience";

  private LbQualitySuite() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    // each ejection is logged at WARN; the suite counts them from the client's events instead
    if (System.getProperty(RESILIENCE_LOG_LEVEL) == null) {
      System.setProperty(RESILIENCE_LOG_LEVEL, "error");
    }
    SuiteOptions options;
    try {
      options = SuiteOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    try {
      run(options);
    } catch (MeshConfigException e) {
      // e.g. a --property key this build does not know (yet): the mesh checks every key
      System.err.println("the mesh rejected the configuration: " + e.getMessage());
      System.exit(2);
    }
  }

  static void run(SuiteOptions options) throws Exception {
    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    double loadAtStart = Machine.loadAverage();
    List<List<Scenario>> groups = new ArrayList<>();
    for (String name : options.scenarios()) {
      groups.add(Scenarios.forName(name, options.scale()));
    }
    System.out.printf(
        Locale.ROOT,
        "LbQualitySuite: scenarios %s, policies %s, scale %.2f, %d repetition(s), %d cores, load average %.2f%n",
        options.scenarios(), options.variants().stream().map(PolicyVariant::label).toList(), options.scale(),
        options.repetitions(), Runtime.getRuntime().availableProcessors(), loadAtStart);
    ScenarioRunner runner = new ScenarioRunner(options);
    for (PolicyVariant v : options.variants()) {
      runner.warmUp(v);
    }
    Results results = new Results();
    List<PolicyVariant> variants = options.variants();
    for (int rep = 1; rep <= options.repetitions(); rep++) {
      for (int g = 0; g < groups.size(); g++) {
        // a different policy first in each scenario and repetition: drift falls on all alike
        int shift = (g + rep - 1) % variants.size();
        for (int i = 0; i < variants.size(); i++) {
          PolicyVariant v = variants.get((i + shift) % variants.size());
          for (Scenario s : groups.get(g)) {
            RunRecord run = runner.run(s, v, rep);
            results.add(s, v, run);
            progress(s, v, rep, run);
          }
        }
      }
    }
    List<Targets.Evaluation> targets = Targets.evaluate(results, variants);
    double seconds = (System.nanoTime() - start) / 1e9;
    write(options, results, targets, startedAt, seconds, loadAtStart);
    SummaryTable.print(System.out, results, targets, options.targetPolicy());
    System.out.printf(Locale.ROOT, "%n%.0f s; load average %.2f at the start, %.2f at the end; results in %s%n",
        seconds, loadAtStart, Machine.loadAverage(), options.out().toAbsolutePath());
  }

  private static void progress(Scenario s, PolicyVariant v, int rep, RunRecord run) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  [%d] %-14s %-22s", rep, s.name(), v.label()));
    for (Measure m : Results.figures(s, run)) {
      line.append("  ").append(m.key()).append(' ').append(m.formatted());
    }
    System.out.println(line);
  }

  private static void write(
      SuiteOptions options, Results results, List<Targets.Evaluation> targets, Instant startedAt, double seconds,
      double loadAtStart) throws Exception {
    Path dir = options.out();
    Files.createDirectories(dir);
    Map<String, Object> json =
        ResultsJson.of(options, Machine.facts(loadAtStart, Machine.loadAverage()), startedAt, seconds, results, targets);
    Files.writeString(dir.resolve("results.json"), Json.write(json), StandardCharsets.UTF_8);
    for (Results.ScenarioRuns s : results.scenarios()) {
      ChartWriter.write(s, dir.resolve(s.scenario().name() + ".png"));
    }
  }
}
