package io.mesh4j.config;

import java.util.Map;
import java.util.Objects;

/**
 * The validated configuration of one service: its own {@code mesh.services.<name>.*} values, then
 * {@code mesh.defaults.*}, then each key's default. Immutable.
 */
public final class ServiceConfig {

  private final String name;
  private final Map<String, Object> values;
  private final Map<String, Object> defaults;

  ServiceConfig(String name, Map<String, Object> values, Map<String, Object> defaults) {
    this.name = Objects.requireNonNull(name, "name");
    this.values = Map.copyOf(values);
    this.defaults = Map.copyOf(defaults);
  }

  /**
   * A service configuration from values given in code, for testing plug-ins (load balancers,
   * discovery providers) outside a mesh. The mesh itself only builds them from validated
   * properties. Values must be of each key's type; keys must be per-service keys.
   */
  public static ServiceConfig of(String name, Map<ConfigKey<?>, ?> values) {
    Map<String, Object> byName = new java.util.HashMap<>();
    values.forEach(
        (key, value) -> {
          if (key.scope() != ConfigKey.Scope.SERVICE) {
            throw new IllegalArgumentException(key + " is not a per-service key");
          }
          byName.put(key.name(), Objects.requireNonNull(value, key.name()));
        });
    return new ServiceConfig(name, byName, Map.of());
  }

  /** This service with {@code overlay}'s keys where this one sets none (its own keys win). */
  ServiceConfig under(ServiceConfig overlay) {
    Map<String, Object> merged = new java.util.HashMap<>(overlay.values);
    merged.putAll(values);
    return new ServiceConfig(name, merged, defaults);
  }

  ServiceConfig withDefaults(Map<String, Object> serviceDefaults) {
    return new ServiceConfig(name, values, serviceDefaults);
  }

  /**
   * This service with {@code overrides} set over its own keys: a request's view of a service
   * (per-route overrides of xDS routes, see {@link io.mesh4j.routing.RouteDecision}).
   */
  public ServiceConfig withOverrides(Map<ConfigKey<?>, ?> overrides) {
    Map<String, Object> merged = new java.util.HashMap<>(values);
    overrides.forEach((key, value) -> {
      if (key.scope() != ConfigKey.Scope.SERVICE) {
        throw new IllegalArgumentException(key + " is not a per-service key");
      }
      merged.put(key.name(), Objects.requireNonNull(value, key.name()));
    });
    return new ServiceConfig(name, merged, defaults);
  }

  /** True when this service's own keys (not the service defaults) set {@code keyName}. */
  boolean setsOwn(String keyName) {
    return values.containsKey(keyName);
  }

  /** The logical service name, as used in request URLs ({@code http://<name>/...}). */
  public String name() {
    return name;
  }

  /** The value of a service key: set for this service, else in {@code mesh.defaults}, else its default. */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    if (key.scope() != ConfigKey.Scope.SERVICE) {
      throw new IllegalArgumentException(key + " is not a per-service key");
    }
    Object v = values.get(key.name());
    if (v == null) {
      v = defaults.get(key.name());
    }
    return v != null ? (T) v : key.defaultValue();
  }

  /** True when this service or {@code mesh.defaults} sets the key explicitly. */
  public boolean isSet(ConfigKey<?> key) {
    return values.containsKey(key.name()) || defaults.containsKey(key.name());
  }

  /**
   * The key names whose effective value differs between this and {@code other} (set here, in
   * {@code mesh.defaults}, or by default), relative to {@code mesh.services.<name>.}.
   */
  public java.util.Set<String> changedKeys(ServiceConfig other) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    names.addAll(values.keySet());
    names.addAll(defaults.keySet());
    names.addAll(other.values.keySet());
    names.addAll(other.defaults.keySet());
    java.util.Set<String> changed = new java.util.TreeSet<>();
    for (String name : names) {
      if (!Objects.equals(raw(name), other.raw(name))) {
        changed.add(name);
      }
    }
    return changed;
  }

  /** The value set for the service, else in {@code mesh.defaults}; null when neither sets it. */
  private Object raw(String keyName) {
    Object v = values.get(keyName);
    return v != null ? v : defaults.get(keyName);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServiceConfig other
        && name.equals(other.name)
        && values.equals(other.values)
        && defaults.equals(other.defaults);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, values, defaults);
  }

  @Override
  public String toString() {
    return "ServiceConfig{" + name + ", " + values + "}";
  }
}
