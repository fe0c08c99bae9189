package io.mesh4j.benchmarks.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds and reads result files: {@code <scenario>-<yyyyMMdd-HHmmss>.json} in one directory. Unknown
 * fields are ignored, so a scenario may add its own.
 */
final class ResultFiles {

  private static final Pattern NAME = Pattern.compile("(.+)-(\\d{8}-\\d{6})\\.json");
  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** A result file and the scenario and timestamp its name carries. */
  record Found(Path file, String scenario, String stamp) {}

  private ResultFiles() {}

  /** A file as JSON, for the fields a scenario adds. */
  static JsonNode readTree(Path file) {
    try {
      return MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** A file's JSON as the shared format's fields. */
  static BenchmarkResult read(JsonNode tree, Path file) {
    try {
      return MAPPER.treeToValue(tree, BenchmarkResult.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Every result file in {@code dir} (not below it), oldest first. */
  static List<Found> list(Path dir) throws IOException {
    List<Found> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(
          f -> {
            Matcher m = NAME.matcher(f.getFileName().toString());
            if (m.matches() && Files.isRegularFile(f)) {
              found.add(new Found(f, m.group(1), m.group(2)));
            }
          });
    }
    found.sort(Comparator.comparing(Found::stamp).thenComparing(Found::scenario));
    return found;
  }

  /** The newest file of each scenario. */
  static List<Found> newestPerScenario(List<Found> all) {
    Map<String, Found> newest = new LinkedHashMap<>();
    for (Found f : all) {
      newest.merge(f.scenario(), f, (a, b) -> a.stamp().compareTo(b.stamp()) >= 0 ? a : b);
    }
    return List.copyOf(newest.values());
  }
}
