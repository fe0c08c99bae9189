package io.mesh4j.benchmarks.sidebyside;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/** This JVM's process CPU time and the bytes its threads allocated, read before and after a sample. */
final class JvmMeters {

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private JvmMeters() {}

  /** CPU time of the whole process (every thread, GC and JIT included), in nanoseconds; -1 if unknown. */
  static long processCpuNanos() {
    return OS.getProcessCpuTime();
  }

  /** Bytes the calling thread allocated so far; -1 when not measured. */
  static long currentThreadAllocatedBytes() {
    return THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled()
        ? THREADS.getCurrentThreadAllocatedBytes()
        : -1;
  }

  /**
   * Bytes allocated so far by each live thread, by thread id; null when the JVM does not measure it.
   *
   * <p>Limits: a thread that ends between two snapshots takes its allocation with it (OkHttp's
   * and Armeria's pool threads come and go, so a sample may under-count a little; the harness's
   * own load threads, which end with each run, report theirs themselves: {@link
   * LoadRunner.Result#workerAllocatedBytes}); a thread started in between counts from zero, which
   * is right. Every thread of the JVM counts, the harness's own work included (its recording
   * allocates nothing per request, and whatever it does is alike for every variant: it cancels in
   * the differences to the baseline). The counters are TLAB-based estimates, exact enough at kilobytes per request.
   */
  static Map<Long, Long> allocatedBytesByThread() {
    if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
      return null;
    }
    long[] ids = THREADS.getAllThreadIds();
    long[] bytes = THREADS.getThreadAllocatedBytes(ids);
    Map<Long, Long> out = new HashMap<>(ids.length * 2);
    for (int i = 0; i < ids.length; i++) {
      if (bytes[i] >= 0) {
        out.put(ids[i], bytes[i]);
      }
    }
    return out;
  }

  /** Bytes allocated between two snapshots by the threads alive at the second; -1 when not measured. */
  static long allocatedBetween(Map<Long, Long> before, Map<Long, Long> after) {
    if (before == null || after == null) {
      return -1;
    }
    long sum = 0;
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    return sum;
  }
}
