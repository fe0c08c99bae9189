package io.mesh4j.benchmarks.sidebyside;

import java.util.ArrayList;
import java.util.List;

/**
 * How load is offered: a closed loop (workers back to back, for maximum throughput) or an open
 * loop at a fixed rate (a schedule of intended start times, for latency without coordinated
 * omission).
 *
 * @param ratePerSecond 0 for the closed loop
 */
record LoadMode(String name, int ratePerSecond) {

  static LoadMode closed() {
    return new LoadMode("closed", 0);
  }

  static LoadMode open(int ratePerSecond) {
    return new LoadMode("open-" + ratePerSecond, ratePerSecond);
  }

  boolean isOpen() {
    return ratePerSecond > 0;
  }

  static List<LoadMode> parseList(String csv) {
    List<LoadMode> out = new ArrayList<>();
    for (String m : csv.split(",")) {
      String s = m.trim();
      if (s.equals("closed")) {
        out.add(closed());
      } else if (s.startsWith("open-")) {
        int rate = Integer.parseInt(s.substring("open-".length()));
        if (rate < 1) {
          throw new IllegalArgumentException("open loop rate must be at least 1 req/s: " + s);
        }
        out.add(open(rate));
      } else {
        throw new IllegalArgumentException("unknown mode " + s + " (closed, open-<req/s>)");
      }
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return name;
  }
}
