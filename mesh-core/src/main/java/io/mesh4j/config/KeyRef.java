package io.mesh4j.config;

/**
 * A property key resolved against the schema: which declared key it sets, and for which service
 * ({@code null} for global keys and for {@code mesh.defaults.*}).
 */
record KeyRef(String fullKey, ConfigKey<?> key, Kind kind, String service) {

  enum Kind {
    GLOBAL,
    SERVICE,
    DEFAULTS
  }
}
