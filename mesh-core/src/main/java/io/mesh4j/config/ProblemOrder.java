package io.mesh4j.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Orders problems as the user reads their configuration: sources in load order and by line number
 * within a file (so {@code :9} comes before {@code :12}), then environment variables, system
 * properties, other locations, and last problems with no location (missing keys). Ties keep their
 * order, so use it with a stable sort.
 */
final class ProblemOrder implements Comparator<ConfigProblem> {

  static final String ENV = "env";
  static final String SYSTEM_PROPERTY = "system property";

  private static final Pattern LINE = Pattern.compile("(.*):(\\d{1,9})");

  private final List<String> origins;

  /** @param sourceOrigins each source's {@link PropertySource#origin()}, in load order */
  ProblemOrder(List<String> sourceOrigins) {
    this.origins = new ArrayList<>(sourceOrigins);
    this.origins.add(ENV);
    this.origins.add(SYSTEM_PROPERTY);
  }

  @Override
  public int compare(ConfigProblem a, ConfigProblem b) {
    return Comparator.comparingInt((ConfigProblem p) -> rank(p.location()))
        .thenComparingInt(p -> line(p.location()))
        .thenComparing(p -> line(p.location()) < 0 && p.location() != null ? p.location() : "")
        .compare(a, b);
  }

  private int rank(String location) {
    if (location == null) {
      return origins.size() + 1;
    }
    String origin;
    if (location.startsWith(ENV + " ")) {
      origin = ENV;
    } else if (location.startsWith(SYSTEM_PROPERTY + " ")) {
      origin = SYSTEM_PROPERTY;
    } else {
      Matcher m = LINE.matcher(location);
      origin = m.matches() ? m.group(1) : location;
    }
    int i = origins.indexOf(origin);
    return i >= 0 ? i : origins.size();
  }

  /** The line number in {@code file:12}, or -1. */
  private static int line(String location) {
    if (location == null) {
      return -1;
    }
    Matcher m = LINE.matcher(location);
    return m.matches() ? Integer.parseInt(m.group(2)) : -1;
  }
}
