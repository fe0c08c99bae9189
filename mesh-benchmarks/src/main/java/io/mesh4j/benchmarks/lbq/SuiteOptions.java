package io.mesh4j.benchmarks.lbq;

import io.mesh4j.config.ValueParsers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command line of {@link LbQualitySuite}.
 *
 * @param scenarios scenario names, run in this order ({@link Scenarios#NAMES})
 * @param variants the policies, side by side
 * @param properties mesh properties given to every client (after the suite's own, so they win)
 * @param scale multiplies every phase length (not the latencies): 0.3 for a smoke run
 * @param repetitions how many times the whole schedule runs; each repetition rotates the order
 * @param bucket width of a time bucket in the series and charts
 * @param out where results.json and the charts go
 * @param targetPolicy the variant the targets are stated for
 * @param resilience whether mesh-resilience (retries, outlier detection) is in the clients
 * @param label free text stored in the results (a commit, a branch)
 * @param warmUp unrecorded traffic per variant before the first scenario (JIT, connections)
 */
record SuiteOptions(
    List<String> scenarios,
    List<PolicyVariant> variants,
    Map<String, String> properties,
    double scale,
    int repetitions,
    Duration bucket,
    Path out,
    String targetPolicy,
    boolean resilience,
    String label,
    Duration warmUp) {

  static final List<String> DEFAULT_POLICIES =
      List.of("round-robin", "weighted-round-robin", "random", "least-request", "peak-ewma");

  static final String USAGE =
      String.join(
          "\n",
          "java -cp mesh-benchmarks/target/benchmarks.jar io.mesh4j.benchmarks.lbq.LbQualitySuite [options]",
          "  --scenarios slow,stall,cold-start,churn,zones   which scenarios (default: all)",
          "  --policies " + String.join(",", DEFAULT_POLICIES) + "   side by side;",
          "                      name@tag runs a policy again under another label",
          "  --property [label:]key=value   a mesh property for every client, or for one policy",
          "                      label only (repeatable), e.g. mesh.defaults.lb.slow-start.window=5s",
          "  --scale 1.0         multiplies the phase lengths (not the latencies)",
          "  --repetitions 1     runs of the whole schedule, each in a rotated policy order",
          "  --bucket 250ms      time bucket of the series and charts",
          "  --out target/lb-quality   output directory (results.json, <scenario>.png)",
          "  --target-policy peak-ewma   the policy the issue's targets are evaluated for",
          "  --resilience on     off: no mesh-resilience (no retries, no outlier detection)",
          "  --warm-up 1s        unrecorded traffic per policy before the first scenario",
          "  --label text        stored in results.json (e.g. the commit)");

  static SuiteOptions parse(String[] args) {
    List<String> scenarios = Scenarios.NAMES;
    List<String> policies = DEFAULT_POLICIES;
    List<String> propertyArgs = new ArrayList<>();
    double scale = 1.0;
    int repetitions = 1;
    Duration bucket = Duration.ofMillis(250);
    Path out = Path.of("target", "lb-quality");
    String targetPolicy = "peak-ewma";
    boolean resilience = true;
    String label = "";
    Duration warmUp = Duration.ofSeconds(1);
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--help") || name.equals("-h")) {
        throw new IllegalArgumentException("usage:\n" + USAGE);
      }
      if (!name.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs; usage:\n" + USAGE);
      }
      String value = args[++i];
      switch (name) {
        case "--scenarios" -> scenarios = list(value);
        case "--policies" -> policies = list(value);
        case "--property" -> propertyArgs.add(value);
        case "--scale" -> scale = positive(Double.parseDouble(value), name);
        case "--repetitions" -> repetitions = (int) positive(Integer.parseInt(value), name);
        case "--bucket" -> bucket = ValueParsers.parseDuration(value);
        case "--out" -> out = Path.of(value);
        case "--target-policy" -> targetPolicy = value;
        case "--resilience" -> resilience = onOff(value, name);
        case "--warm-up" -> warmUp = ValueParsers.parseDuration(value);
        case "--label" -> label = value;
        default -> throw new IllegalArgumentException("unknown option " + name + "; usage:\n" + USAGE);
      }
    }
    for (String s : scenarios) {
      if (!Scenarios.NAMES.contains(s)) {
        throw new IllegalArgumentException("unknown scenario '" + s + "'; known: " + Scenarios.NAMES);
      }
    }
    if (bucket.toMillis() < 10) {
      throw new IllegalArgumentException("--bucket must be at least 10ms");
    }
    Map<String, PolicyVariant> variants = new LinkedHashMap<>();
    for (String p : policies) {
      if (variants.put(p, PolicyVariant.parse(p)) != null) {
        throw new IllegalArgumentException("policy '" + p + "' given twice; use name@tag for a second run");
      }
    }
    Map<String, String> properties = new LinkedHashMap<>();
    for (String p : propertyArgs) {
      addProperty(p, properties, variants);
    }
    return new SuiteOptions(
        scenarios, List.copyOf(variants.values()), properties, scale, repetitions, bucket, out,
        targetPolicy, resilience, label, warmUp);
  }

  /** {@code key=value} for all, {@code label:key=value} for one variant (keys hold no ':'). */
  private static void addProperty(String arg, Map<String, String> all, Map<String, PolicyVariant> variants) {
    int eq = arg.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("--property expects [label:]key=value, got '" + arg + "'");
    }
    String head = arg.substring(0, eq);
    String value = arg.substring(eq + 1);
    int colon = head.indexOf(':');
    if (colon < 0) {
      all.put(head, value);
      return;
    }
    String label = head.substring(0, colon);
    PolicyVariant v = variants.get(label);
    if (v == null) {
      throw new IllegalArgumentException(
          "--property " + arg + ": no policy labelled '" + label + "' in --policies " + variants.keySet());
    }
    variants.put(label, v.withProperty(head.substring(colon + 1), value));
  }

  private static List<String> list(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static double positive(double value, String option) {
    if (!(value > 0)) {
      throw new IllegalArgumentException(option + " must be positive, got " + value);
    }
    return value;
  }

  private static boolean onOff(String value, String option) {
    return switch (value) {
      case "on", "true" -> true;
      case "off", "false" -> false;
      default -> throw new IllegalArgumentException(option + " expects on or off, got " + value);
    };
  }
}
