package io.mesh4j.benchmarks.sidebyside;

import java.util.ArrayList;
import java.util.List;

/**
 * One way of sending {@code GET /items/42} to the backends, ready to run: the blocking call a
 * worker makes, the nginx ports its requests must reach, the external processes it adds (whose CPU
 * counts against it), and what to close at the end.
 *
 * @param baseline the variant its ratios are computed against; null for raw-okhttp itself
 * @param baselineNote why that baseline, when it is not the obvious one
 */
record Variant(
    String name,
    String baseline,
    String baselineNote,
    Call call,
    List<Integer> backendPorts,
    List<ProcessHandle> externalProcesses,
    List<AutoCloseable> resources)
    implements AutoCloseable {

  /** One request; returns normally on a 200 with its body read, throws otherwise. */
  @FunctionalInterface
  interface Call {
    void run() throws Exception;
  }

  /** Closes the resources, last opened first; reports the first failure after trying them all. */
  @Override
  public void close() throws Exception {
    Exception first = null;
    List<AutoCloseable> reversed = new ArrayList<>(resources);
    java.util.Collections.reverse(reversed);
    for (AutoCloseable r : reversed) {
      try {
        r.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
