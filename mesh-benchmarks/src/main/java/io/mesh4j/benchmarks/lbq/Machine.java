package io.mesh4j.benchmarks.lbq;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the results say about the machine: the ratios within a run are what compare across machines. */
final class Machine {

  private Machine() {}

  /** The system load average over the last minute, or -1 where the OS does not say. */
  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static Map<String, Object> facts(double loadAtStart, double loadAtEnd) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("loadAverageStart", loadAtStart);
    m.put("loadAverageEnd", loadAtEnd);
    m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    return m;
  }
}
