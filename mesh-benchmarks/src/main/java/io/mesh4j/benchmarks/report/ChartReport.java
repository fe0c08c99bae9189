package io.mesh4j.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Charts and a markdown summary for result files of the side-by-side harness and the scenarios.
 * For each {@code <scenario>-<stamp>.json} in {@code --in} (the newest of each scenario, or every
 * one with {@code --all}), writes into {@code --out}: {@code <name>-<mode>-latency.png}, {@code
 * <name>-throughput-ratio.png}, {@code <name>-cpu.png}, {@code <name>-timeseries.png} when the
 * samples carry per-second series, and {@code <name>-summary.md}; {@code <name>} is the scenario,
 * or with {@code --all} the file's name without {@code .json}. Charts that have no data are skipped.
 *
 * <p>Usage: {@value #USAGE}
 */
public final class ChartReport {

  static final String USAGE = "ChartReport [--in mesh-benchmarks/results] [--out <same as --in>] [--all]";

  private ChartReport() {}

  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Path in = Path.of("mesh-benchmarks/results");
    Path out = null;
    boolean all = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--in" -> in = Path.of(value(args, ++i));
        case "--out" -> out = Path.of(value(args, ++i));
        case "--all" -> all = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; usage: " + USAGE);
      }
    }
    out = out == null ? in : out;
    if (!Files.isDirectory(in)) {
      System.err.println("no directory " + in + "; usage: " + USAGE);
      System.exit(2);
    }
    Files.createDirectories(out);
    List<ResultFiles.Found> found = ResultFiles.list(in);
    List<ResultFiles.Found> chosen = all ? found : ResultFiles.newestPerScenario(found);
    if (chosen.isEmpty()) {
      System.out.println("no <scenario>-<yyyyMMdd-HHmmss>.json in " + in);
      return;
    }
    for (ResultFiles.Found f : chosen) {
      String name = all ? f.file().getFileName().toString().replaceFirst("\\.json$", "") : f.scenario();
      for (Path written : report(f.file(), name, out)) {
        System.out.println(written);
      }
    }
  }

  /** Writes every chart and the summary of one result file; returns what it wrote. */
  static List<Path> report(Path json, String name, Path out) throws IOException {
    JsonNode tree = ResultFiles.readTree(json);
    BenchmarkResult result = ResultFiles.read(tree, json);
    List<Path> written = new ArrayList<>(LatencyChart.write(result, name, out));
    addIfWritten(written, BarCharts.throughputRatio(result, name, out));
    written.addAll(BarCharts.cpu(result, name, out));
    addIfWritten(written, TimeSeriesChart.write(result, name, out));
    Path md = out.resolve(name + "-summary.md");
    Files.writeString(md, SummaryMarkdown.of(result, tree.get("summary"), json.getFileName().toString()));
    written.add(md);
    return written;
  }

  private static void addIfWritten(List<Path> written, Path file) {
    if (file != null) {
      written.add(file);
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException("missing value for " + args[i - 1] + "; usage: " + USAGE);
    }
    return args[i];
  }
}
