package io.mesh4j.benchmarks.startup;

import io.mesh4j.MeshClient;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs in a fresh JVM launched by {@link StartupBenchmark}: times one {@code
 * MeshClient.fromProperties} and prints, on stdout, its wall time ({@code startup-nanos}) and the
 * CPU time the main thread and the whole process spent in it ({@code main-cpu-ticks}, {@code
 * process-cpu-ticks}, from Linux's {@code /proc}; -1 elsewhere), then closes the client. The
 * main thread's CPU time is close to what the wall time would be on an idle machine; on a busy
 * one the wall time also counts waiting for a core. Depends on nothing but {@code MeshClient}, so
 * that the same class runs against the modules of any commit (the "before" variant).
 */
public final class StartupProbe {

  private StartupProbe() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    long mainCpu0 = cpuTicks("/proc/thread-self/stat");
    long processCpu0 = cpuTicks("/proc/self/stat");
    long t0 = System.nanoTime();
    MeshClient mesh = MeshClient.fromProperties(file);
    long t1 = System.nanoTime();
    long mainCpu1 = cpuTicks("/proc/thread-self/stat");
    long processCpu1 = cpuTicks("/proc/self/stat");
    mesh.close();
    // stdout is the harness's channel; the mesh logs to stderr (slf4j-simple)
    System.out.println("startup-nanos=" + (t1 - t0));
    System.out.println("main-cpu-ticks=" + (mainCpu0 < 0 ? -1 : mainCpu1 - mainCpu0));
    System.out.println("process-cpu-ticks=" + (processCpu0 < 0 ? -1 : processCpu1 - processCpu0));
  }

  /** utime + stime of a /proc stat file, in clock ticks; -1 where there is no such file. */
  private static long cpuTicks(String stat) {
    try {
      String s = Files.readString(Path.of(stat));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" "); // f[0] is field 3 (state)
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
    } catch (Exception e) {
      return -1;
    }
  }
}
