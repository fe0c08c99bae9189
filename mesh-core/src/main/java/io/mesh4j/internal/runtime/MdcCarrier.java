package io.mesh4j.internal.runtime;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.MDC;

/** Carries the slf4j MDC of a request's thread to a task of the same request on another thread. */
final class MdcCarrier {

  private MdcCarrier() {}

  /** The current thread's MDC; the returned operator runs a task with it, then restores the runner's. */
  static UnaryOperator<Runnable> capture() {
    Map<String, String> captured = MDC.getCopyOfContextMap();
    if (captured == null || captured.isEmpty()) {
      return task -> () -> runWith(null, task);
    }
    return task -> () -> runWith(captured, task);
  }

  private static void runWith(Map<String, String> context, Runnable task) {
    Map<String, String> previous = MDC.getCopyOfContextMap();
    if (context == null) {
      MDC.clear();
    } else {
      MDC.setContextMap(context);
    }
    try {
      task.run();
    } finally {
      if (previous == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(previous);
      }
    }
  }
}
