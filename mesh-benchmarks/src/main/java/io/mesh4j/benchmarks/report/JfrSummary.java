package io.mesh4j.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A short text profile of a JFR recording, to attach to a benchmark's figures: the methods with the
 * most CPU samples ({@code jdk.ExecutionSample}), self and total, and the allocation sites weighted
 * by bytes ({@code jdk.ObjectAllocationSample}) by class and by the topmost mesh4j or OkHttp frame.
 * Prints it and writes it beside the recording ({@code x.jfr} gives {@code x.txt}).
 *
 * <p>Usage: {@value #USAGE}
 */
public final class JfrSummary {

  static final String USAGE = "JfrSummary --jfr FILE [--top 25] [--filter io.mesh4j] [--exclude io.mesh4j.benchmarks]";

  /** Frames an allocation is charged to when it has one: the code this project can change or pick. */
  private static final String OKHTTP = "okhttp3.";

  /** Hidden-class suffixes that differ between runs: "Foo$$Lambda$256+0x00007f3e281548f8.1090541608". */
  private static final java.util.regex.Pattern LAMBDA = java.util.regex.Pattern.compile("(\\$\\$Lambda)\\$\\d+\\+0x[0-9a-f]+(\\.\\d+)?");

  private final int top;
  private final String filter;
  private final String exclude;
  private final Map<String, Long> selfSamples = new HashMap<>();
  private final Map<String, Long> totalSamples = new HashMap<>();
  private final Map<String, Long> filteredSelf = new HashMap<>();
  private final Map<String, Long> allocByClass = new HashMap<>();
  private final Map<String, Long> allocBySite = new HashMap<>();
  private final Map<String, Long> allocByClassAtSites = new HashMap<>();
  private final Map<String, Long> allocByMeshSite = new HashMap<>();
  private long cpuSamples;
  private long allocSamples;
  private long allocBytes;
  private long stacksWithoutFrames;

  private JfrSummary(int top, String filter, String exclude) {
    this.top = top;
    this.filter = filter;
    this.exclude = exclude;
  }

  public static void main(String[] args) throws IOException {
    Path jfr = null;
    int top = 25;
    String filter = null;
    String exclude = "io.mesh4j.benchmarks.";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jfr" -> jfr = Path.of(value(args, ++i));
        case "--top" -> top = Integer.parseInt(value(args, ++i));
        case "--filter" -> filter = value(args, ++i);
        case "--exclude" -> exclude = value(args, ++i);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; usage: " + USAGE);
      }
    }
    if (jfr == null) {
      throw new IllegalArgumentException("--jfr is required; usage: " + USAGE);
    }
    String text = summarize(jfr, top, filter, exclude);
    System.out.print(text);
    Path txt = jfr.resolveSibling(jfr.getFileName().toString().replaceFirst("\\.jfr$", "") + ".txt");
    Files.writeString(txt, text);
    System.out.println("written to " + txt);
  }

  /**
   * The summary of one recording as text. {@code filter}: the package prefix whose frames CPU
   * samples and allocations are charged to (null: io.mesh4j for allocations, no CPU section);
   * {@code exclude}: a prefix inside it that is not the code under test (the harness's own
   * classes), or an empty string.
   */
  static String summarize(Path jfr, int top, String filter, String exclude) throws IOException {
    JfrSummary s = new JfrSummary(top, filter, exclude);
    try (RecordingFile file = new RecordingFile(jfr)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        switch (e.getEventType().getName()) {
          case "jdk.ExecutionSample" -> s.cpu(e.getStackTrace());
          case "jdk.ObjectAllocationSample" -> s.allocation(e, e.getLong("weight"));
          default -> {}
        }
      }
    }
    return s.text(jfr);
  }

  private void cpu(RecordedStackTrace stack) {
    List<RecordedFrame> frames = javaFrames(stack);
    if (frames.isEmpty()) {
      stacksWithoutFrames++;
      return;
    }
    cpuSamples++;
    selfSamples.merge(name(frames.get(0)), 1L, Long::sum);
    Set<String> seen = new HashSet<>();
    for (RecordedFrame f : frames) {
      String name = name(f);
      if (seen.add(name)) {
        totalSamples.merge(name, 1L, Long::sum);
      }
    }
    if (filter != null) {
      // the sample charged to the innermost frame of the filtered code: what that code costs,
      // including the JDK and library code it calls
      for (RecordedFrame f : frames) {
        if (mine(className(f))) {
          filteredSelf.merge(name(f), 1L, Long::sum);
          break;
        }
      }
    }
  }

  private void allocation(RecordedEvent e, long weight) {
    allocSamples++;
    allocBytes += weight;
    RecordedClass type = e.getClass("objectClass");
    String typeName = type == null ? "?" : type.getName();
    allocByClass.merge(typeName, weight, Long::sum);
    String site = "(no " + mineName() + " or okhttp3 frame)";
    for (RecordedFrame f : javaFrames(e.getStackTrace())) {
      String c = className(f);
      if (mine(c) || c.startsWith(OKHTTP)) {
        site = name(f) + (f.getLineNumber() > 0 ? ":" + f.getLineNumber() : "");
        break;
      }
    }
    allocBySite.merge(site, weight, Long::sum);
    // the same allocation charged to the mesh4j code that led to it, through OkHttp or not: an
    // HttpUrl built inside OkHttp for a URL the mesh rewrote shows up here at the rewrite
    for (RecordedFrame f : javaFrames(e.getStackTrace())) {
      if (mine(className(f))) {
        allocByMeshSite.merge(name(f) + (f.getLineNumber() > 0 ? ":" + f.getLineNumber() : ""), weight, Long::sum);
        break;
      }
    }
    if (!site.startsWith("(")) {
      allocByClassAtSites.merge(typeName, weight, Long::sum);
    }
  }

  /** Whether a class is the code under test: in the filter (io.mesh4j by default), not excluded. */
  private boolean mine(String className) {
    return className.startsWith(filter == null ? "io.mesh4j." : filter)
        && (exclude == null || exclude.isEmpty() || !className.startsWith(exclude));
  }

  private String mineName() {
    String name = filter == null ? "io.mesh4j" : filter;
    return exclude == null || exclude.isEmpty() ? name : name + " (not " + exclude + ")";
  }

  private String text(Path jfr) {
    StringBuilder out = new StringBuilder();
    out.append("JFR summary of ").append(jfr.getFileName()).append('\n');
    out.append(String.format(Locale.ROOT, "%,d CPU samples (jdk.ExecutionSample)", cpuSamples));
    if (stacksWithoutFrames > 0) {
      out.append(String.format(Locale.ROOT, ", %,d without a Java frame left out", stacksWithoutFrames));
    }
    out.append(String.format(Locale.ROOT, "; %,d allocation samples (jdk.ObjectAllocationSample) weighing %,d bytes%n", allocSamples, allocBytes));
    table(out, "Top methods by CPU samples, self (the frame on top of the stack)", selfSamples, cpuSamples, "samples");
    table(out, "Top methods by CPU samples, total (anywhere on the stack)", totalSamples, cpuSamples, "samples");
    if (filter != null) {
      table(out, "CPU samples charged to the innermost " + mineName() + " frame (its own code and the library and JDK code it calls)", filteredSelf, cpuSamples, "samples");
    }
    table(out, "Top allocated classes, by sampled bytes", allocByClass, allocBytes, "bytes");
    table(out, "Top allocated classes under a " + mineName() + " or okhttp3 frame (the client side), by sampled bytes", allocByClassAtSites, allocBytes, "bytes");
    table(out, "Top allocation sites, by the innermost " + mineName() + " or okhttp3 frame, by sampled bytes", allocBySite, allocBytes, "bytes");
    table(out, "Top allocation sites, by the innermost " + mineName() + " frame (what it allocates itself and through what it calls), by sampled bytes", allocByMeshSite, allocBytes, "bytes");
    return out.toString();
  }

  private void table(StringBuilder out, String title, Map<String, Long> counts, long whole, String unit) {
    out.append('\n').append(title).append(":\n");
    if (counts.isEmpty()) {
      out.append("  (none)\n");
      return;
    }
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(top)
        .forEach(
            e ->
                out.append(
                    String.format(
                        Locale.ROOT,
                        "  %6.2f %%  %,14d %s  %s%n",
                        whole == 0 ? 0.0 : 100.0 * e.getValue() / whole,
                        e.getValue(),
                        unit,
                        e.getKey())));
  }

  private static List<RecordedFrame> javaFrames(RecordedStackTrace stack) {
    if (stack == null) {
      return List.of();
    }
    return stack.getFrames().stream().filter(RecordedFrame::isJavaFrame).toList();
  }

  private static String className(RecordedFrame f) {
    RecordedMethod m = f.getMethod();
    return m == null || m.getType() == null ? "?" : m.getType().getName();
  }

  private static String name(RecordedFrame f) {
    RecordedMethod m = f.getMethod();
    return m == null ? "?" : LAMBDA.matcher(className(f)).replaceAll("$1") + "." + m.getName();
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException("missing value for " + args[i - 1] + "; usage: " + USAGE);
    }
    return args[i];
  }
}
