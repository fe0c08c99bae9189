package io.mesh4j.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The validated configuration of one {@link io.mesh4j.MeshClient}: global keys and every
 * configured service. Immutable; produced only by loading and validating properties, so a
 * {@code MeshConfig} is always complete and well-formed.
 */
public final class MeshConfig {

  /** {@code mesh.service}: this workload's name. */
  public static final ConfigKey<String> SERVICE =
      ConfigKey.global("mesh.service", ValueParsers.dnsLabel())
          .required()
          .description("This workload's service name; also the path of its default SPIFFE ID.")
          .build();

  /** {@code mesh.trust-domain}: the SPIFFE trust domain of this workload. */
  public static final ConfigKey<String> TRUST_DOMAIN =
      ConfigKey.global("mesh.trust-domain", ValueParsers.trustDomain())
          .defaultValue("mesh.local")
          .description("SPIFFE trust domain of this workload and, by default, of the services it calls.")
          .build();

  private final Map<String, Object> globals;
  private final SortedMap<String, ServiceConfig> services;

  MeshConfig(Map<String, Object> globals, Map<String, ServiceConfig> services) {
    this.globals = Map.copyOf(globals);
    this.services = new TreeMap<>(services);
  }

  /** This workload's service name ({@code mesh.service}). */
  public String service() {
    return get(SERVICE);
  }

  /** The trust domain ({@code mesh.trust-domain}). */
  public String trustDomain() {
    return get(TRUST_DOMAIN);
  }

  /** A global key's value, or its default. */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    if (key.scope() != ConfigKey.Scope.GLOBAL) {
      throw new IllegalArgumentException(key + " is a per-service key: use ServiceConfig#get");
    }
    Object v = globals.get(key.name());
    return v != null ? (T) v : key.defaultValue();
  }

  /** True when the key was set explicitly (file, environment or system property). */
  public boolean isSet(ConfigKey<?> key) {
    return globals.containsKey(key.name());
  }

  /** Every configured service, by name, in name order. */
  public Map<String, ServiceConfig> services() {
    return java.util.Collections.unmodifiableSortedMap(services);
  }

  public Optional<ServiceConfig> service(String name) {
    return Optional.ofNullable(services.get(Objects.requireNonNull(name, "name")));
  }

  @Override
  public String toString() {
    return "MeshConfig{service=" + service() + ", services=" + services.keySet() + "}";
  }
}
