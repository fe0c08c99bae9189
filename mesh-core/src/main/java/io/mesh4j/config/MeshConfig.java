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

  /** {@code mesh.locality.region}: the region this workload runs in. */
  public static final ConfigKey<String> LOCALITY_REGION = localityKey("region");

  /** {@code mesh.locality.zone}: the zone this workload runs in, for zone-aware routing. */
  public static final ConfigKey<String> LOCALITY_ZONE = localityKey("zone");

  /** {@code mesh.locality.sub-zone}: the sub-zone (rack, node group) this workload runs in. */
  public static final ConfigKey<String> LOCALITY_SUB_ZONE = localityKey("sub-zone");

  /** {@code mesh.config.watch}: whether {@code MeshClient.fromProperties(path)} reloads its file on change. */
  public static final ConfigKey<Boolean> CONFIG_WATCH =
      ConfigKey.global("mesh.config.watch", ValueParsers.bool())
          .defaultValue(Boolean.TRUE)
          .description("Watch the properties file a client was created from and apply valid edits live.")
          .build();

  /** {@code mesh.config.watch-interval}: how often the file is checked. */
  public static final ConfigKey<java.time.Duration> CONFIG_WATCH_INTERVAL =
      ConfigKey.global(
              "mesh.config.watch-interval",
              ValueParsers.duration(java.time.Duration.ofMillis(10), java.time.Duration.ofHours(1)))
          .defaultValue(java.time.Duration.ofSeconds(1))
          .description("How often the watched properties file is checked for changes.")
          .build();

  private static ConfigKey<String> localityKey(String part) {
    return ConfigKey.global("mesh.locality." + part, ValueParsers.nonEmpty())
        .appliesLive()
        .description("This workload's " + part + ", matched against endpoints' " + part
            + " by zone-aware balancing; applies live.")
        .build();
  }

  /** The per-service key naming a service's discovery provider: an overlay adds a service by setting it. */
  private static final String DISCOVERY_KEY = "discovery";

  private final Map<String, Object> globals;
  private final SortedMap<String, ServiceConfig> services;
  /** The mesh.defaults.* values, kept for services an overlay adds. */
  private final Map<String, Object> serviceDefaults;

  MeshConfig(Map<String, Object> globals, Map<String, ServiceConfig> services) {
    this(globals, services, Map.of());
  }

  MeshConfig(Map<String, Object> globals, Map<String, ServiceConfig> services, Map<String, Object> serviceDefaults) {
    this.globals = Map.copyOf(globals);
    this.services = new TreeMap<>(services);
    this.serviceDefaults = Map.copyOf(serviceDefaults);
  }

  /** This workload's service name ({@code mesh.service}). */
  public String service() {
    return get(SERVICE);
  }

  /** The trust domain ({@code mesh.trust-domain}). */
  public String trustDomain() {
    return get(TRUST_DOMAIN);
  }

  /** This workload's locality ({@code mesh.locality.*}); {@link io.mesh4j.discovery.Locality#UNKNOWN} when unset. */
  public io.mesh4j.discovery.Locality locality() {
    return new io.mesh4j.discovery.Locality(get(LOCALITY_REGION), get(LOCALITY_ZONE), get(LOCALITY_SUB_ZONE));
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

  /** True when {@code mesh.defaults.<key>} sets this per-service key explicitly. */
  public boolean isServiceDefaultSet(ConfigKey<?> key) {
    return serviceDefaults.containsKey(key.name());
  }

  /** Every configured service, by name, in name order. */
  public Map<String, ServiceConfig> services() {
    return java.util.Collections.unmodifiableSortedMap(services);
  }

  public Optional<ServiceConfig> service(String name) {
    return Optional.ofNullable(services.get(Objects.requireNonNull(name, "name")));
  }

  /** The global values set explicitly, by full key name. */
  Map<String, Object> globalValues() {
    return globals;
  }

  /**
   * This configuration with the named global keys as {@code running} has them (set or unset): how a
   * reload keeps the running value of keys that need a restart while the rest of the edit applies.
   */
  public MeshConfig withGlobalsOf(MeshConfig running, java.util.Collection<String> keys) {
    Map<String, Object> merged = new java.util.HashMap<>(globals);
    for (String key : keys) {
      Object value = running.globals.get(key);
      if (value == null) {
        merged.remove(key);
      } else {
        merged.put(key, value);
      }
    }
    return new MeshConfig(merged, services, serviceDefaults);
  }

  /** This configuration with one service's configuration replaced (or added). */
  public MeshConfig withService(ServiceConfig service) {
    Map<String, ServiceConfig> next = new TreeMap<>(services);
    next.put(service.name(), service);
    return new MeshConfig(globals, next, serviceDefaults);
  }

  /**
   * This configuration with the services of {@code overlay} (a configuration a running component
   * contributes, see {@link ConfigOverlay}) under it: per service, a key this configuration sets
   * wins over the overlay's. A service only the overlay names is added (with this configuration's
   * service defaults) when the overlay sets its {@code discovery} key; otherwise the overlay's keys
   * for it wait for this configuration to define the service (an overlay's policy for a service
   * the user removed must not keep a ghost of it). Globals are this configuration's.
   */
  public MeshConfig withOverlay(MeshConfig overlay) {
    Map<String, ServiceConfig> merged = new TreeMap<>(services);
    overlay.services.forEach((name, contributed) -> {
      ServiceConfig own = services.get(name);
      if (own != null) {
        merged.put(name, own.under(contributed));
      } else if (contributed.setsOwn(DISCOVERY_KEY)) {
        merged.put(name, contributed.withDefaults(serviceDefaults));
      }
    });
    return new MeshConfig(globals, merged, serviceDefaults);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MeshConfig other && globals.equals(other.globals) && services.equals(other.services);
  }

  @Override
  public int hashCode() {
    return globals.hashCode() * 31 + services.hashCode();
  }

  @Override
  public String toString() {
    return "MeshConfig{service=" + service() + ", services=" + services.keySet() + "}";
  }
}
