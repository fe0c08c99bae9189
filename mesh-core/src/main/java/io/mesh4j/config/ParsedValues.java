package io.mesh4j.config;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The effective settings parsed with their keys' parsers and sorted into globals, {@code
 * mesh.defaults.*} and per-service values. A value that fails to parse becomes a problem and is
 * left out; its service still exists, because a key named it.
 */
final class ParsedValues {

  private final Map<String, Object> globals = new HashMap<>();
  private final Map<String, Object> defaults = new HashMap<>();
  private final Map<String, Map<String, Object>> services = new TreeMap<>();

  private ParsedValues() {}

  static ParsedValues parse(Collection<MeshConfigLoader.Setting> settings, List<ConfigProblem> problems) {
    ParsedValues parsed = new ParsedValues();
    for (MeshConfigLoader.Setting s : settings) {
      KeyRef ref = s.ref();
      Map<String, Object> target = parsed.target(ref);
      ValueParser<?> parser = ref.key().parser();
      PropertySource.Entry e = s.entry();
      try {
        Object value = parser.parse(e.value());
        if (value == null) {
          throw new IllegalArgumentException("no value");
        }
        target.put(ref.key().name(), value);
      } catch (RuntimeException ex) {
        // parsers signal bad input with IllegalArgumentException; anything else is still the value's fault
        problems.add(new ConfigProblem(e.key(), e.value(), e.location(),
            messageOf(ex) + " (expected: " + parser.expected() + ")"));
      }
    }
    return parsed;
  }

  private Map<String, Object> target(KeyRef ref) {
    switch (ref.kind()) {
      case GLOBAL:
        return globals;
      case DEFAULTS:
        return defaults;
      default:
        return services.computeIfAbsent(ref.service(), name -> new HashMap<>());
    }
  }

  MeshConfig toConfig() {
    Map<String, ServiceConfig> configs = new TreeMap<>();
    services.forEach((name, values) -> configs.put(name, new ServiceConfig(name, values, defaults)));
    return new MeshConfig(globals, configs, defaults);
  }

  private static String messageOf(RuntimeException e) {
    return e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : "invalid value";
  }
}
