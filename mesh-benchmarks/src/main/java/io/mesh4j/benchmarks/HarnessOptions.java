package io.mesh4j.benchmarks;

import java.util.HashMap;
import java.util.Map;

/**
 * Command line of {@link LoadHarness}: {@code --name value} pairs, each with a default.
 *
 * @param backends JDK HttpServers started on 127.0.0.1
 * @param requests measured requests per batch (each round has a direct and a mesh batch)
 * @param concurrency worker threads issuing blocking calls
 * @param maxSeconds cap on the whole run; a batch that reaches its share stops early
 * @param rounds measured rounds, alternating the order of direct and mesh to spread drift
 * @param lb the mesh's load-balancing policy for the service
 */
record HarnessOptions(
    int backends, int requests, int concurrency, int maxSeconds, int rounds, String lb) {

  static final String USAGE =
      "LoadHarness [--backends 3] [--requests 20000] [--concurrency 8] [--max-seconds 120]"
          + " [--rounds 3] [--lb peak-ewma]";

  static HarnessOptions parse(String[] args) {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs; usage: " + USAGE);
      }
      given.put(args[i].substring(2), args[++i]);
    }
    HarnessOptions o =
        new HarnessOptions(
            positive(given.remove("backends"), 3),
            positive(given.remove("requests"), 20_000),
            positive(given.remove("concurrency"), 8),
            positive(given.remove("max-seconds"), 120),
            positive(given.remove("rounds"), 3),
            given.getOrDefault("lb", "peak-ewma"));
    given.remove("lb");
    if (!given.isEmpty()) {
      throw new IllegalArgumentException("unknown options " + given.keySet() + "; usage: " + USAGE);
    }
    return o;
  }

  /** Unrecorded rounds first: C2 takes a few thousand calls of both paths to settle here. */
  static final int WARMUP_ROUNDS = 2;

  /** Warm-up batches plus the measured ones, two per round; each gets an equal share of time. */
  int batches() {
    return 2 * (WARMUP_ROUNDS + rounds);
  }

  private static int positive(String value, int fallback) {
    if (value == null) {
      return fallback;
    }
    int n = Integer.parseInt(value);
    if (n < 1) {
      throw new IllegalArgumentException("expected a positive number, got " + value);
    }
    return n;
  }
}
