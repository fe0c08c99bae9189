package io.mesh4j.benchmarks.sidebyside;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts nginx's access log lines ({@code $server_port $status $connection_requests}) per port,
 * and among them the first requests of a connection (connections opened), reading only what was
 * appended since the last call, so a long run does not re-read millions of lines.
 */
final class AccessLogCounter implements AutoCloseable {

  private final Path file;
  private final Map<Integer, Long> perPort = new HashMap<>();
  private final Map<Integer, Long> connectionsPerPort = new HashMap<>();
  private RandomAccessFile in;
  private long offset;
  private final StringBuilder partial = new StringBuilder();

  AccessLogCounter(Path file) {
    this.file = file;
  }

  /** Connections opened so far per port: lines whose {@code $connection_requests} is 1 (a copy). */
  synchronized Map<Integer, Long> connections() throws IOException {
    readNew();
    return Map.copyOf(connectionsPerPort);
  }

  /** Lines logged so far per port (a copy). */
  synchronized Map<Integer, Long> counts() throws IOException {
    readNew();
    return Map.copyOf(perPort);
  }

  /**
   * nginx logs a request after answering it, so the last lines of a sample may land a moment after
   * the client saw the responses: waits (at most half a second) until {@code expected} more lines
   * than {@code before} were logged on {@code ports}, then returns the counts.
   */
  Map<Integer, Long> settle(Map<Integer, Long> before, Iterable<Integer> ports, long expected) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    while (true) {
      Map<Integer, Long> now = counts();
      if (delta(before, now, ports) >= expected || System.nanoTime() > deadline) {
        return now;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  static long delta(Map<Integer, Long> before, Map<Integer, Long> after, Iterable<Integer> ports) {
    long sum = 0;
    for (int p : ports) {
      sum += after.getOrDefault(p, 0L) - before.getOrDefault(p, 0L);
    }
    return sum;
  }

  private void readNew() throws IOException {
    if (in == null) {
      if (!Files.exists(file)) {
        return;
      }
      in = new RandomAccessFile(file.toFile(), "r");
    }
    long length = in.length();
    if (length <= offset) {
      return;
    }
    byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 24)];
    in.seek(offset);
    in.readFully(bytes);
    offset += bytes.length;
    partial.append(new String(bytes, StandardCharsets.US_ASCII));
    int start = 0;
    for (int nl; (nl = partial.indexOf("\n", start)) >= 0; start = nl + 1) {
      String[] f = partial.substring(start, nl).split(" ");
      if (f.length == 3) {
        int port = Integer.parseInt(f[0]);
        perPort.merge(port, 1L, Long::sum);
        if (f[2].equals("1")) {
          connectionsPerPort.merge(port, 1L, Long::sum);
        }
      }
    }
    partial.delete(0, start);
  }

  @Override
  public synchronized void close() throws IOException {
    if (in != null) {
      in.close();
    }
  }
}
