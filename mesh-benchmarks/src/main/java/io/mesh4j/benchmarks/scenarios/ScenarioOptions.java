package io.mesh4j.benchmarks.scenarios;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The command line of a scenario main: {@code --rounds N --round-seconds S --out DIR --smoke}, plus
 * scenario-specific {@code --name value} pairs read with {@link #intOption} and {@link #text}.
 */
record ScenarioOptions(int rounds, double roundSeconds, Path out, boolean smoke, Map<String, String> given) {

  static ScenarioOptions parse(String[] args, int defaultRounds, double defaultRoundSeconds) {
    Map<String, String> given = new HashMap<>();
    boolean smoke = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--smoke")) {
        smoke = true;
      } else if (a.startsWith("--") && i + 1 < args.length) {
        given.put(a.substring(2), args[++i]);
      } else {
        throw new IllegalArgumentException("unexpected argument '" + a
            + "'; usage: [--rounds N] [--round-seconds S] [--out DIR] [--smoke] [--<option> value]");
      }
    }
    int rounds = smoke ? 1 : Integer.parseInt(given.getOrDefault("rounds", String.valueOf(defaultRounds)));
    double seconds = Double.parseDouble(given.getOrDefault("round-seconds", String.valueOf(defaultRoundSeconds)));
    if (smoke && !given.containsKey("round-seconds")) {
      seconds = Math.min(seconds, 1.0);
    }
    Path out = Path.of(given.getOrDefault("out", "mesh-benchmarks/results"));
    return new ScenarioOptions(rounds, seconds, out, smoke, Map.copyOf(given));
  }

  int intOption(String name, int normal, int smokeValue) {
    String v = given.get(name);
    return v != null ? Integer.parseInt(v) : smoke ? smokeValue : normal;
  }

  String text(String name, String fallback) {
    return given.getOrDefault(name, fallback);
  }
}
