package io.mesh4j.benchmarks.lbq;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The printed summary: per scenario, each policy's figures (medians over the repetitions); then the
 * issue's targets for the target policy, MET or MISSED with the measured value, and every policy's
 * value beside it.
 */
final class SummaryTable {

  private SummaryTable() {}

  static void print(PrintStream out, Results results, List<Targets.Evaluation> targets, String targetPolicy) {
    for (Results.ScenarioRuns s : results.scenarios()) {
      out.println();
      out.printf(Locale.ROOT, "== %s: %s (%.1f s)%n", s.scenario().name(), s.scenario().description(),
          s.scenario().lengthSeconds());
      List<String> header = new ArrayList<>();
      header.add("policy");
      List<List<String>> rows = new ArrayList<>();
      for (Results.VariantRuns v : s.byVariant().values()) {
        List<Measure> medians = v.medians();
        if (header.size() == 1) {
          medians.forEach(m -> header.add(m.key()));
        }
        List<String> row = new ArrayList<>();
        row.add(v.variant().label());
        medians.forEach(m -> row.add(m.formatted()));
        rows.add(row);
      }
      table(out, header, rows);
    }
    out.println();
    out.println("== targets of issue 10, for " + targetPolicy + " (values: medians over the repetitions)");
    List<String> header = List.of("target", "wanted", "measured", "status");
    List<List<String>> rows = new ArrayList<>();
    for (Targets.Evaluation e : targets) {
      Targets.Outcome o =
          e.outcomes().stream().filter(x -> x.variant().equals(targetPolicy)).findFirst().orElse(null);
      rows.add(List.of(
          e.target().text(), e.target().threshold(),
          o == null ? "-" : e.target().unit().format(o.value()),
          o == null ? "policy not run" : o.status().toString()));
    }
    table(out, header, rows);
    out.println();
    out.println("== the same targets, every policy");
    List<String> all = new ArrayList<>();
    all.add("target");
    all.add("wanted");
    targets.get(0).outcomes().forEach(o -> all.add(o.variant()));
    List<List<String>> matrix = new ArrayList<>();
    for (Targets.Evaluation e : targets) {
      List<String> row = new ArrayList<>();
      row.add(e.target().id());
      row.add(e.target().threshold());
      for (Targets.Outcome o : e.outcomes()) {
        row.add(o.status() == Targets.Status.NOT_RUN
            ? "not run"
            : e.target().unit().format(o.value()) + (o.status() == Targets.Status.MET ? " MET" : " MISSED"));
      }
      matrix.add(row);
    }
    table(out, all, matrix);
  }

  private static void table(PrintStream out, List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = header.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    line(out, header, widths);
    StringBuilder rule = new StringBuilder();
    for (int w : widths) {
      rule.append("-".repeat(w)).append("  ");
    }
    out.println(rule.toString().stripTrailing());
    rows.forEach(r -> line(out, r, widths));
  }

  /** First column left-aligned, the others right-aligned (numbers). */
  private static void line(PrintStream out, List<String> cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String fmt = c == 0 ? "%-" + widths[c] + "s" : "%" + widths[c] + "s";
      b.append(String.format(Locale.ROOT, fmt, cells.get(c))).append("  ");
    }
    out.println(b.toString().stripTrailing());
  }
}
