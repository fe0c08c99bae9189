package io.mesh4j.benchmarks.lbq;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A policy as the suite runs it: the label shown in tables, charts and JSON, the policy's name
 * ({@code mesh.services.orders.lb}), and properties given to this variant only. {@code
 * peak-ewma@fast} is peak-ewma under another label, so that two settings of one policy run side by
 * side ({@code --property peak-ewma@fast:mesh.defaults.lb.peak-ewma.decay=2s}).
 */
record PolicyVariant(String label, String policy, Map<String, String> properties) {

  PolicyVariant {
    properties = Map.copyOf(properties);
  }

  /** {@code name} or {@code name@tag}. */
  static PolicyVariant parse(String label) {
    int at = label.indexOf('@');
    String policy = at < 0 ? label : label.substring(0, at);
    if (policy.isEmpty() || label.endsWith("@")) {
      throw new IllegalArgumentException("bad policy '" + label + "': expected name or name@tag");
    }
    return new PolicyVariant(label, policy, Map.of());
  }

  PolicyVariant withProperty(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(properties);
    more.put(key, value);
    return new PolicyVariant(label, policy, more);
  }
}
