package io.mesh4j.benchmarks.scenarios;

import io.mesh4j.testing.NginxProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real nginx (mesh-testing's {@link NginxProcess}) as the scenarios' backends, with what a
 * scenario needs around it: its CPU time (master and workers, from /proc) and its access log,
 * whose lines are space-separated fields in the order of the scenario's {@code log_format}.
 */
final class NginxBackends implements AutoCloseable {

  private final NginxProcess nginx;
  private final int fields;

  private NginxBackends(NginxProcess nginx, int fields) {
    this.nginx = nginx;
    this.fields = fields;
  }

  /**
   * @param fields how many space-separated fields a complete access log line has (a line being
   *     written, or one with an unexpected shape, is skipped)
   */
  static NginxBackends start(Path prefix, int ports, int fields, Function<List<Integer>, String> conf) throws Exception {
    if (!io.mesh4j.testing.ExternalProcess.onPath("nginx")) {
      throw new IllegalStateException("nginx is not installed: apt-get install nginx-light");
    }
    return new NginxBackends(NginxProcess.start(prefix, ports, conf), fields);
  }

  List<Integer> ports() {
    return nginx.ports();
  }

  Path file(String relative) {
    return nginx.file(relative);
  }

  /** CPU time of nginx's master and workers so far, or -1 when unreadable. */
  long cpuNanos() {
    try {
      long pid = Long.parseLong(Files.readString(nginx.file("logs/nginx.pid")).trim());
      return ProcessHandle.of(pid).map(Cpu::treeNanos).orElse(-1L);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** The complete access log lines so far, split into fields. */
  List<String[]> accessLog() throws IOException {
    Path log = nginx.file("logs/access.log");
    List<String[]> out = new ArrayList<>();
    if (!Files.exists(log)) {
      return out;
    }
    for (String line : Files.readAllLines(log)) {
      String[] f = line.split(" ");
      if (f.length == fields) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * The lines matching {@code filter} once at least {@code expected} of them were logged (nginx
   * logs a request just after its response went out), or whatever is there after 5 s.
   */
  List<String[]> awaitLines(Predicate<String[]> filter, long expected) throws IOException {
    try {
      Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
          .until(() -> accessLog().stream().filter(filter).count() >= expected);
    } catch (ConditionTimeoutException e) {
      // reported by the caller, which compares the counts
    }
    return accessLog().stream().filter(filter).toList();
  }

  @Override
  public void close() throws InterruptedException {
    nginx.close();
  }

  /** Deletes a scenario's temp directory (nginx prefix, logs, certificates) once it is done. */
  static void deleteRecursively(Path dir) {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
