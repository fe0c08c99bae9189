package io.mesh4j.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps {@code MESH_*} environment variables to property keys. The variable's name loses the
 * difference between {@code .}, {@code -} and {@code _}, so it is matched against the schema's keys
 * rather than converted: {@code MESH_TLS_DEV_CA_DIR} is {@code mesh.tls.dev-ca.dir} because that key
 * exists.
 */
final class EnvNames {

  static final String PREFIX = "MESH_";
  private static final String SERVICES = "MESH_SERVICES_";
  private static final String DEFAULTS = "MESH_DEFAULTS_";

  private EnvNames() {}

  /** How a key is written as a variable: upper-case, {@code .} and {@code -} become {@code _}. */
  static String normalize(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * The key a variable sets, or empty when it names no known key.
   *
   * @param knownServices service names the other sources mention, preferred when splitting a
   *     variable into service name and key ({@code MESH_SERVICES_ORDER_API_TIMEOUT} finds {@code
   *     order-api})
   */
  static Optional<String> resolve(String variable, ConfigSchema schema, Collection<String> knownServices) {
    String v = variable.toUpperCase(Locale.ROOT);
    for (ConfigKey<?> key : schema.globalKeys()) {
      if (normalize(key.name()).equals(v)) {
        return Optional.of(key.name());
      }
    }
    if (v.startsWith(DEFAULTS)) {
      String rest = v.substring(DEFAULTS.length());
      for (ConfigKey<?> key : schema.serviceKeys()) {
        if (normalize(key.name()).equals(rest)) {
          return Optional.of(ConfigSchema.DEFAULTS_PREFIX + key.name());
        }
      }
    }
    if (v.startsWith(SERVICES)) {
      return resolveServiceKey(v.substring(SERVICES.length()), schema, knownServices);
    }
    return Optional.empty();
  }

  /**
   * Splits {@code ORDER_API_TIMEOUT} into a service and a relative key. A split whose service is
   * already known wins; otherwise the longest matching key (nested keys are more common than
   * service names that differ from a known one only by a dash).
   */
  private static Optional<String> resolveServiceKey(
      String rest, ConfigSchema schema, Collection<String> knownServices) {
    String bestKey = null;
    String bestService = null;
    for (ConfigKey<?> key : schema.serviceKeys()) {
      String suffix = "_" + normalize(key.name());
      if (!rest.endsWith(suffix) || rest.length() == suffix.length()) {
        continue;
      }
      String servicePart = rest.substring(0, rest.length() - suffix.length());
      Optional<String> known =
          knownServices.stream().filter(s -> normalize(s).equals(servicePart)).findFirst();
      if (known.isPresent()) {
        return Optional.of(ConfigSchema.SERVICES_PREFIX + known.get() + "." + key.name());
      }
      if (bestKey == null || key.name().length() > bestKey.length()) {
        bestKey = key.name();
        bestService = servicePart.toLowerCase(Locale.ROOT).replace('_', '-');
      }
    }
    return bestKey == null
        ? Optional.empty()
        : Optional.of(ConfigSchema.SERVICES_PREFIX + bestService + "." + bestKey);
  }
}
