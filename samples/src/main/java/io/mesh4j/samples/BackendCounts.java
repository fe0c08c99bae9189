package io.mesh4j.samples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Requests served per backend, as the backends count them, since the last look. */
final class BackendCounts {
  private final List<OrdersBackend> backends;
  private final Map<String, Long> last = new LinkedHashMap<>();

  BackendCounts(List<OrdersBackend> backends) {
    this.backends = backends;
    backends.forEach(b -> last.put(b.name(), b.served()));
  }

  Map<String, Long> sinceLast() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (OrdersBackend b : backends) {
      long now = b.served();
      out.put(b.name(), now - last.put(b.name(), now));
    }
    return out;
  }
}
