package io.mesh4j.benchmarks.sidebyside;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command line of {@link SideBySide}; {@link #USAGE} says what each option means. */
record Options(
    int rounds,
    double roundSeconds,
    double warmupSeconds,
    int threads,
    List<LoadMode> modes,
    List<String> variants,
    Path out,
    boolean smoke) {

  static final String USAGE =
      """
      SideBySide [--rounds N] [--round-seconds S] [--warmup-seconds S] [--threads N]
                 [--modes closed,open-1000,open-5000] [--variants a,b,...] [--out DIR] [--smoke]
        --rounds          rounds; each runs every variant once per mode, in a rotated order (default 5)
        --round-seconds   measured seconds per variant, mode and round (default 4)
        --warmup-seconds  unrecorded closed-loop load per variant before round 1 (default 8)
        --threads         closed-loop workers (default 4)
        --modes           closed: back-to-back workers; open-R: R req/s on a fixed schedule (default all three)
        --variants        subset of %s (default all)
        --out             directory of the JSON result (default mesh-benchmarks/results)
        --smoke           1 round, closed loop, ~1.5 s per variant: checks the harness runs (CI)
      """
          .formatted(String.join(",", Variants.NAMES));

  static Options parse(String[] args) {
    int rounds = 5;
    double roundSeconds = 4;
    double warmupSeconds = 8;
    int threads = 4;
    List<LoadMode> modes = null;
    List<String> variants = Variants.NAMES;
    Path out = null;
    boolean smoke = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--smoke" -> smoke = true;
        case "--rounds" -> rounds = positiveInt(a, value(args, ++i, a));
        case "--round-seconds" -> roundSeconds = positiveDouble(a, value(args, ++i, a));
        case "--warmup-seconds" -> warmupSeconds = nonNegativeDouble(a, value(args, ++i, a));
        case "--threads" -> threads = positiveInt(a, value(args, ++i, a));
        case "--modes" -> modes = LoadMode.parseList(value(args, ++i, a));
        case "--variants" -> variants = variantList(value(args, ++i, a));
        case "--out" -> out = Path.of(value(args, ++i, a));
        case "-h", "--help" -> throw new IllegalArgumentException("");
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (smoke) {
      // a few seconds in all: does it start, reach every backend and print a result
      rounds = 1;
      roundSeconds = 1;
      warmupSeconds = 0.3;
      if (modes == null) {
        modes = List.of(LoadMode.closed());
      }
    }
    if (modes == null) {
      modes = List.of(LoadMode.closed(), LoadMode.open(1000), LoadMode.open(5000));
    }
    if (out == null) {
      out = Files.isDirectory(Path.of("mesh-benchmarks")) ? Path.of("mesh-benchmarks", "results") : Path.of("results");
    }
    return new Options(rounds, roundSeconds, warmupSeconds, threads, modes, variants, out, smoke);
  }

  /** Unrecorded load before each sample: reopens connections a long pause may have let expire. */
  double leadInSeconds() {
    return Math.min(0.5, roundSeconds / 5);
  }

  private static List<String> variantList(String csv) {
    List<String> out = new ArrayList<>();
    for (String v : csv.split(",")) {
      String name = v.trim();
      if (!Variants.NAMES.contains(name)) {
        throw new IllegalArgumentException("unknown variant " + name + "; known: " + Variants.NAMES);
      }
      if (!out.contains(name)) {
        out.add(name);
      }
    }
    return List.copyOf(out);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int positiveInt(String option, String v) {
    int n = Integer.parseInt(v);
    if (n < 1) {
      throw new IllegalArgumentException(option + " must be at least 1: " + v);
    }
    return n;
  }

  private static double positiveDouble(String option, String v) {
    double d = Double.parseDouble(v);
    if (!(d > 0)) {
      throw new IllegalArgumentException(option + " must be positive: " + v);
    }
    return d;
  }

  private static double nonNegativeDouble(String option, String v) {
    double d = Double.parseDouble(v);
    if (!(d >= 0)) {
      throw new IllegalArgumentException(option + " must not be negative: " + v);
    }
    return d;
  }

  @Override
  public String toString() {
    return Arrays.toString(new Object[] {rounds, roundSeconds, warmupSeconds, threads, modes, variants, out, smoke});
  }
}
