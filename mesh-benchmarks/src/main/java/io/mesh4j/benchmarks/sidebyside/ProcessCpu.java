package io.mesh4j.benchmarks.sidebyside;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time of external processes (nginx's master and worker, HAProxy) from {@code
 * /proc/<pid>/stat}: utime + stime of each process and its live descendants, in nanoseconds.
 * Clock-tick granularity (10 ms at the usual 100 Hz): fine over samples of seconds. Zero where
 * /proc is missing (not Linux), so the totals then equal this JVM's CPU alone.
 */
final class ProcessCpu {

  private static final long NANOS_PER_TICK = 1_000_000_000L / clockTicksPerSecond();

  private ProcessCpu() {}

  static long nanos(List<ProcessHandle> roots) {
    long ticks = 0;
    for (ProcessHandle root : roots) {
      ticks += Stream.concat(Stream.of(root), root.descendants()).mapToLong(ProcessCpu::ticks).sum();
    }
    return ticks * NANOS_PER_TICK;
  }

  private static long ticks(ProcessHandle p) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
      // the command name (field 2) may hold spaces: fields are counted after its closing paren
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime (14), stime (15)
    } catch (IOException | RuntimeException e) {
      return 0; // exited, or no /proc
    }
  }

  private static long clockTicksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      long hz = Long.parseLong(out);
      return hz > 0 ? hz : 100;
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
