package io.mesh4j.internal.runtime;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigSchema;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses a route's per-request overrides of its target's keys with the keys' own parsers. Only
 * keys that act per request may be overridden: the deadline, retries and hedging; a route must
 * not change a service's balancer, discovery or identity.
 */
final class RouteOverrides {

  private RouteOverrides() {}

  static boolean overridable(String key) {
    return key.equals("timeout") || key.equals("per-try-timeout") || key.startsWith("retry.")
        || key.startsWith("hedge.");
  }

  /**
   * @param missing told each overridable key no module on the class path declares (e.g. retry.*
   *     without mesh-resilience): such a key is dropped, since nothing would act on it anyway
   * @throws IllegalArgumentException naming the key (service-relative) and what is wrong with it
   */
  static Map<ConfigKey<?>, Object> parse(
      ConfigSchema schema, Map<String, String> overrides, java.util.function.Consumer<String> missing) {
    Map<ConfigKey<?>, Object> parsed = new HashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(overrides).entrySet()) {
      String key = e.getKey();
      if (!overridable(key)) {
        throw new IllegalArgumentException("override of key '" + key + "': a route may only override timeout,"
            + " per-try-timeout, retry.* and hedge.* keys");
      }
      ConfigKey<?> configKey = schema.serviceKey(key).orElse(null);
      if (configKey == null) {
        missing.accept(key);
        continue;
      }
      Object value;
      try {
        value = configKey.parser().parse(e.getValue());
      } catch (RuntimeException bad) {
        throw new IllegalArgumentException("override " + key + "=" + e.getValue() + ": " + bad.getMessage()
            + " (expected: " + configKey.parser().expected() + ")", bad);
      }
      if (value == null) {
        throw new IllegalArgumentException("override " + key + "=" + e.getValue() + ": no value");
      }
      parsed.put(configKey, value);
    }
    return parsed;
  }
}
