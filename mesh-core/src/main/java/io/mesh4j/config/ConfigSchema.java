package io.mesh4j.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every configuration key the mesh knows: global keys, per-service keys, and hints naming the
 * module that owns keys of modules absent from the classpath. Always includes {@link
 * MeshConfig#SERVICE} and {@link MeshConfig#TRUST_DOMAIN}. Immutable.
 */
public final class ConfigSchema {

  static final String SERVICES_PREFIX = "mesh.services.";
  static final String DEFAULTS_PREFIX = "mesh.defaults.";

  private final Map<String, ConfigKey<?>> globalKeys;
  private final Map<String, ConfigKey<?>> serviceKeys;
  private final List<ModuleHint> hints;

  private ConfigSchema(
      Map<String, ConfigKey<?>> globalKeys, Map<String, ConfigKey<?>> serviceKeys, List<ModuleHint> hints) {
    this.globalKeys = Collections.unmodifiableMap(new LinkedHashMap<>(globalKeys));
    this.serviceKeys = Collections.unmodifiableMap(new LinkedHashMap<>(serviceKeys));
    this.hints = List.copyOf(hints);
  }

  /** A builder that already holds {@code mesh.service} and {@code mesh.trust-domain}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The global key with this full name ({@code mesh.trust-domain}). */
  public Optional<ConfigKey<?>> globalKey(String fullName) {
    return Optional.ofNullable(globalKeys.get(fullName));
  }

  /** The service key with this relative name ({@code timeout}). */
  public Optional<ConfigKey<?>> serviceKey(String relativeName) {
    return Optional.ofNullable(serviceKeys.get(relativeName));
  }

  /** Global keys in registration order. */
  public Collection<ConfigKey<?>> globalKeys() {
    return globalKeys.values();
  }

  /** Service keys in registration order. */
  public Collection<ConfigKey<?>> serviceKeys() {
    return serviceKeys.values();
  }

  /**
   * The artifactId of the absent module that owns this full key, if a hint matches it. For {@code
   * mesh.defaults.<key>} the hints for {@code mesh.services.*.<key>} apply. A hint is ignored when
   * a registered key matches it too: then the module is present and the key is simply unknown.
   */
  public Optional<String> requiredModule(String fullKey) {
    return hintFor(fullKey).map(ModuleHint::artifactId);
  }

  Optional<ModuleHint> hintFor(String fullKey) {
    String asServiceKey = fullKey.startsWith(DEFAULTS_PREFIX)
        ? SERVICES_PREFIX + "defaults." + fullKey.substring(DEFAULTS_PREFIX.length())
        : fullKey;
    // the most specific pattern wins: mesh.discovery.kubernetes.* over mesh.discovery.*
    return hints.stream()
        .filter(h -> h.matches(fullKey) || h.matches(asServiceKey))
        .max(java.util.Comparator.comparingInt(h -> h.keyPattern().length()));
  }

  /** The hint an unknown {@code MESH_*} environment variable matches, if any. */
  Optional<ModuleHint> hintForEnv(String variable) {
    return hints.stream().filter(h -> h.matchesEnv(variable)).findFirst();
  }

  @Override
  public String toString() {
    return "ConfigSchema{global=" + globalKeys.keySet() + ", service=" + serviceKeys.keySet()
        + ", hints=" + hints.stream().map(ModuleHint::keyPattern).toList() + "}";
  }

  /** Builds a {@link ConfigSchema}; not thread-safe. */
  public static final class Builder {
    private final Map<String, ConfigKey<?>> globalKeys = new LinkedHashMap<>();
    private final Map<String, ConfigKey<?>> serviceKeys = new LinkedHashMap<>();
    private final List<ModuleHint> hints = new ArrayList<>();
    private final List<String> conflicts = new ArrayList<>();

    private Builder() {
      globalKey(MeshConfig.SERVICE);
      globalKey(MeshConfig.TRUST_DOMAIN);
    }

    /** Adds a global key. The same definition twice is fine (modules may share a key). */
    public Builder globalKey(ConfigKey<?> key) {
      requireScope(key, ConfigKey.Scope.GLOBAL);
      String name = key.name();
      if (name.startsWith(SERVICES_PREFIX) || name.startsWith(DEFAULTS_PREFIX)) {
        // it would shadow the per-service namespace
        throw new IllegalArgumentException("global key in a per-service namespace: " + name);
      }
      add(globalKeys, key);
      return this;
    }

    /** Adds a per-service key. The same definition twice is fine (modules may share a key). */
    public Builder serviceKey(ConfigKey<?> key) {
      requireScope(key, ConfigKey.Scope.SERVICE);
      add(serviceKeys, key);
      return this;
    }

    /**
     * Names the module that owns keys matching {@code keyPattern} ({@code mesh.tls.*}, {@code
     * mesh.services.*.retry.*}) when it is not on the classpath, so such a key fails with "requires
     * module mesh-tls" instead of "unknown key".
     */
    public Builder moduleHint(String keyPattern, String artifactId) {
      return moduleHint(keyPattern, artifactId, "io.mesh4j:" + artifactId);
    }

    /**
     * As {@link #moduleHint(String, String)}, for a module outside mesh4j: {@code coordinates} is
     * what the message tells the user to add ({@code com.acme:acme-mesh-vault}).
     */
    public Builder moduleHint(String keyPattern, String artifactId, String coordinates) {
      hints.add(ModuleHint.of(
          Objects.requireNonNull(keyPattern, "keyPattern"),
          Objects.requireNonNull(artifactId, "artifactId"),
          Objects.requireNonNull(coordinates, "coordinates")));
      return this;
    }

    /**
     * @throws IllegalStateException when two different definitions share a name
     */
    public ConfigSchema build() {
      if (!conflicts.isEmpty()) {
        throw new IllegalStateException("conflicting key definitions: " + String.join(", ", conflicts));
      }
      List<ModuleHint> active = new ArrayList<>();
      for (ModuleHint hint : hints) {
        if (!ownsRegisteredKey(hint)) {
          active.add(hint);
        }
      }
      return new ConfigSchema(globalKeys, serviceKeys, active);
    }

    /** A hint whose pattern covers a registered key is for a module that is present after all. */
    private boolean ownsRegisteredKey(ModuleHint hint) {
      return globalKeys.keySet().stream().anyMatch(hint::matches)
          || serviceKeys.keySet().stream().anyMatch(rel -> hint.matches(SERVICES_PREFIX + "x." + rel));
    }

    private void add(Map<String, ConfigKey<?>> keys, ConfigKey<?> key) {
      ConfigKey<?> first = keys.putIfAbsent(key.name(), key);
      if (first != null && !sameDefinition(first, key)) {
        conflicts.add(key.displayName());
      }
    }

    private static void requireScope(ConfigKey<?> key, ConfigKey.Scope scope) {
      Objects.requireNonNull(key, "key");
      if (key.scope() != scope) {
        throw new IllegalArgumentException(key + " is a " + key.scope() + " key, not " + scope);
      }
    }

    /**
     * Same object, or the same name, scope, requiredness, default and expected form: two modules
     * declaring one key identically is not a conflict.
     */
    private static boolean sameDefinition(ConfigKey<?> a, ConfigKey<?> b) {
      return a == b
          || (a.name().equals(b.name())
              && a.scope() == b.scope()
              && a.required() == b.required()
              && Objects.equals(a.defaultValue(), b.defaultValue())
              && a.parser().expected().equals(b.parser().expected()));
    }
  }
}
