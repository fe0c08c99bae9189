package io.mesh4j.internal.runtime;

import io.mesh4j.MeshException;
import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigSchema;
import io.mesh4j.config.ConfigValidator;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.config.ServiceKeys;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.lb.LoadBalancerKeys;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.spi.MeshModule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Everything found on the classpath with {@link ServiceLoader}: modules, discovery providers and
 * load-balancing policies, and the configuration schema they add up to.
 */
public final class Plugins {

  public static final String DEFAULT_POLICY = "peak-ewma";
  private static final String HASH_HEADER_KEY = "lb.hash-header";

  private final List<MeshModule> modules;
  private final Map<String, DiscoveryProvider> discoveryProviders;
  private final Map<String, LoadBalancerProvider> policies;
  private final ModuleCatalog catalog;
  private final ConfigSchema schema;

  /** {@code mesh.services.<name>.discovery}: which provider finds the service's endpoints. */
  final ConfigKey<String> discoveryKey;

  /** {@code mesh.services.<name>.lb}: which policy balances the service's requests. */
  final ConfigKey<String> policyKey;

  static final ConfigKey<Duration> TIMEOUT = ServiceKeys.TIMEOUT;
  static final ConfigKey<Duration> INITIAL_WAIT = ServiceKeys.DISCOVERY_INITIAL_WAIT;

  private Plugins(
      List<MeshModule> modules,
      Map<String, DiscoveryProvider> discoveryProviders,
      Map<String, LoadBalancerProvider> policies,
      ModuleCatalog catalog) {
    this.modules = List.copyOf(modules);
    this.discoveryProviders = discoveryProviders;
    this.policies = policies;
    this.catalog = catalog;
    this.discoveryKey =
        ConfigKey.service(
                "discovery",
                namedPlugin("discovery provider", discoveryProviders.keySet(), catalog::discoveryProviderOwner))
            .defaultValue("static")
            .description("Where the service's endpoints come from.")
            .build();
    this.policyKey =
        ConfigKey.service("lb", namedPlugin("load-balancing policy", policies.keySet(), catalog::policyOwner))
            .defaultValue(DEFAULT_POLICY)
            .description("How requests are spread over the service's endpoints.")
            .build();
    this.schema = buildSchema();
  }

  /**
   * Plug-ins found with {@link ServiceLoader} plus those given in code; one given in code replaces
   * a discovered one of the same name.
   */
  public static Plugins load(
      ClassLoader loader,
      List<MeshModule> extraModules,
      List<DiscoveryProvider> extraDiscovery,
      List<LoadBalancerProvider> extraPolicies) {
    try {
      List<MeshModule> modules = new ArrayList<>();
      ServiceLoader.load(MeshModule.class, loader).forEach(modules::add);
      for (MeshModule extra : extraModules) {
        modules.removeIf(m -> m.artifactId().equals(extra.artifactId()));
        modules.add(extra);
      }
      Map<String, DiscoveryProvider> discovery = new TreeMap<>();
      for (DiscoveryProvider p : ServiceLoader.load(DiscoveryProvider.class, loader)) {
        putUnique(discovery, p.name(), p, "discovery provider");
      }
      extraDiscovery.forEach(p -> discovery.put(p.name(), p));
      Map<String, LoadBalancerProvider> policies = new TreeMap<>();
      for (LoadBalancerProvider p : ServiceLoader.load(LoadBalancerProvider.class, loader)) {
        putUnique(policies, p.name(), p, "load-balancing policy");
      }
      extraPolicies.forEach(p -> policies.put(p.name(), p));
      if (!policies.containsKey(DEFAULT_POLICY)) {
        throw new MeshException(
            "mesh-core is incomplete: no '" + DEFAULT_POLICY + "' load-balancing policy on the classpath");
      }
      return new Plugins(modules, discovery, policies, ModuleCatalog.load(loader));
    } catch (ServiceConfigurationError e) {
      throw new MeshException("cannot load a mesh4j plug-in: " + e.getMessage(), e);
    }
  }

  private static <T> void putUnique(Map<String, T> map, String name, T plugin, String what) {
    T old = map.putIfAbsent(name, plugin);
    if (old != null && old.getClass() != plugin.getClass()) {
      throw new MeshException(
          "two " + what + "s are named '" + name + "': " + old.getClass().getName() + " and "
              + plugin.getClass().getName());
    }
  }

  public List<MeshModule> modules() {
    return modules;
  }

  DiscoveryProvider discoveryProvider(ServiceConfig service) {
    return discoveryProviders.get(service.get(discoveryKey));
  }

  LoadBalancerProvider policy(ServiceConfig service) {
    return policies.get(service.get(policyKey));
  }

  /** A load-balancing policy by name, for parents creating children. */
  java.util.Optional<LoadBalancerProvider> policy(String name) {
    return java.util.Optional.ofNullable(policies.get(name));
  }

  /** The keys a service's discovery depends on: its provider and that provider's own keys. */
  java.util.Set<String> discoveryKeyNames(ServiceConfig service) {
    java.util.Set<String> names = new java.util.HashSet<>();
    names.add(discoveryKey.name());
    DiscoveryProvider p = discoveryProvider(service);
    if (p != null) {
      p.serviceKeys().forEach(k -> names.add(k.name()));
    }
    return names;
  }

  /** The value of {@code lb.hash-header} when the service's policy declares that key, else null. */
  String hashHeader(ServiceConfig service) {
    for (ConfigKey<?> key : policy(service).serviceKeys()) {
      if (key.name().equals(HASH_HEADER_KEY)) {
        Object v = service.get(key);
        return v == null ? null : v.toString();
      }
    }
    return null;
  }

  /** True when the service's policy reads a hash header (ring-hash, maglev). */
  boolean hashesRequests(ServiceConfig service) {
    return policy(service).serviceKeys().stream().anyMatch(k -> k.name().equals(HASH_HEADER_KEY));
  }

  /** Every key of core and of each plug-in present, plus hints for known modules that are absent. */
  public ConfigSchema schema() {
    return schema;
  }

  private ConfigSchema buildSchema() {
    ConfigSchema.Builder schema = ConfigSchema.builder();
    schema.globalKey(MeshConfig.SERVICE).globalKey(MeshConfig.TRUST_DOMAIN);
    schema.globalKey(MeshConfig.LOCALITY_REGION).globalKey(MeshConfig.LOCALITY_ZONE)
        .globalKey(MeshConfig.LOCALITY_SUB_ZONE);
    schema.globalKey(MeshConfig.CONFIG_WATCH).globalKey(MeshConfig.CONFIG_WATCH_INTERVAL);
    schema.serviceKey(discoveryKey).serviceKey(policyKey).serviceKey(TIMEOUT).serviceKey(INITIAL_WAIT)
        .serviceKey(ServiceKeys.DISCOVERY_EMPTY_GRACE);
    schema.serviceKey(LoadBalancerKeys.SLOW_START_WINDOW)
        .serviceKey(LoadBalancerKeys.SLOW_START_AGGRESSION)
        .serviceKey(LoadBalancerKeys.SLOW_START_MIN_WEIGHT_PERCENT);
    schema.serviceKey(LoadBalancerKeys.ZONE_AWARE).serviceKey(LoadBalancerKeys.ZONE_AWARE_MIN_CLUSTER_SIZE)
        .serviceKey(LoadBalancerKeys.PRIORITY_OVERPROVISIONING_FACTOR);
    for (DiscoveryProvider p : discoveryProviders.values()) {
      p.globalKeys().forEach(schema::globalKey);
      p.serviceKeys().forEach(schema::serviceKey);
    }
    for (LoadBalancerProvider p : policies.values()) {
      p.serviceKeys().forEach(schema::serviceKey);
    }
    List<String> present = new ArrayList<>();
    for (MeshModule m : modules) {
      present.add(m.artifactId());
      m.globalKeys().forEach(schema::globalKey);
      m.serviceKeys().forEach(schema::serviceKey);
    }
    for (ModuleCatalog.Entry entry : catalog.entries()) {
      if (!present.contains(entry.artifactId())) {
        entry.keyPatterns().forEach(p -> schema.moduleHint(p, entry.artifactId(), entry.coordinates()));
      }
    }
    return schema.build();
  }

  /** Cross-key checks of core, of each discovery provider in use and of each module. */
  public List<ConfigValidator> validators() {
    List<ConfigValidator> out = new ArrayList<>();
    out.add(this::policyKeysMatchThePolicy);
    out.add(
        (config, problems) -> {
          for (DiscoveryProvider p : discoveryProviders.values()) {
            List<ServiceConfig> users = new ArrayList<>();
            for (ServiceConfig s : config.services().values()) {
              if (discoveryProvider(s) == p) {
                users.add(s);
              }
            }
            p.validateGlobals(config, users, problems);
          }
          for (ServiceConfig s : config.services().values()) {
            DiscoveryProvider p = discoveryProvider(s);
            if (p != null) {
              p.validate(s, problems);
            }
          }
        });
    for (MeshModule m : modules) {
      out.add(m::validate);
    }
    return out;
  }

  /**
   * A key of one load-balancing policy set for a service that uses another policy would be
   * silently ignored ({@code lb.hash-header} with round-robin): say so.
   */
  private void policyKeysMatchThePolicy(MeshConfig config, List<io.mesh4j.config.ConfigProblem> problems) {
    for (ServiceConfig service : config.services().values()) {
      LoadBalancerProvider chosen = policy(service);
      java.util.Set<String> chosenKeys = new java.util.HashSet<>();
      chosen.serviceKeys().forEach(k -> chosenKeys.add(k.name()));
      java.util.Map<String, java.util.Set<String>> ownersByKey = new java.util.TreeMap<>();
      for (LoadBalancerProvider p : policies.values()) {
        for (ConfigKey<?> k : p.serviceKeys()) {
          if (!chosenKeys.contains(k.name()) && service.isSet(k)) {
            ownersByKey.computeIfAbsent(k.name(), n -> new java.util.TreeSet<>()).add(p.name());
          }
        }
      }
      ownersByKey.forEach(
          (key, owners) ->
              problems.add(
                  new io.mesh4j.config.ConfigProblem(
                      "mesh.services." + service.name() + "." + key,
                      null,
                      null,
                      "only used by lb=" + String.join(" or lb=", owners) + ", but this service uses lb="
                          + chosen.name())));
    }
  }

  /** A parser for a plug-in name that says which module to add for a declared but absent one. */
  private static io.mesh4j.config.ValueParser<String> namedPlugin(
      String what, java.util.Set<String> names,
      java.util.function.Function<String, java.util.Optional<ModuleCatalog.Entry>> owner) {
    String expected = "one of " + String.join(", ", names);
    return ValueParsers.of(
        expected,
        s -> {
          String v = s.trim();
          if (names.contains(v)) {
            return v;
          }
          java.util.Optional<ModuleCatalog.Entry> module = owner.apply(v);
          if (module.isPresent()) {
            throw new IllegalArgumentException(
                what + " '" + v + "' requires module " + module.get().artifactId()
                    + " (add " + module.get().coordinates() + " to the classpath)");
          }
          throw new IllegalArgumentException(
              "unknown " + what + " '" + v + "'"
                  + ValueParsers.closest(v, names).map(c -> ", did you mean '" + c + "'?").orElse(""));
        });
  }
}
