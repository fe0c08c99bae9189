package io.mesh4j.benchmarks.scenarios;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CPU time read from the OS: this JVM's, and an external process tree's (nginx master and workers). */
final class Cpu {

  /** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 1/100 s on every usual kernel. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private Cpu() {}

  /** This JVM's CPU time (all threads, user + system), or -1 when the JVM cannot tell. */
  static long processNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** CPU time of {@code root} and its descendants, from /proc (Linux); -1 when unreadable. */
  static long treeNanos(ProcessHandle root) {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(root);
    root.descendants().forEach(all::add);
    long ticks = 0;
    for (ProcessHandle p : all) {
      try {
        String stat = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
        // fields after the ")" closing the command name: state is field 3, utime 14, stime 15
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException | RuntimeException e) {
        if (p == root) {
          return -1;
        }
      }
    }
    return ticks * NANOS_PER_TICK;
  }
}
