package io.mesh4j.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a {@link MeshConfig}: merges the sources, then {@code MESH_*} environment variables, then
 * {@code mesh.*} system properties (each overriding the one before, key by key); checks every key
 * against the {@link ConfigSchema}, parses every value, checks required keys, runs the validators,
 * and fails with one {@link MeshConfigException} that lists every problem, in file order.
 *
 * <p>Unknown keys in sources and system properties are problems; unknown {@code MESH_*} environment
 * variables are ignored (logged at debug), because environments carry unrelated variables with that
 * prefix, unless they match a {@linkplain ConfigSchema.Builder#moduleHint module hint}. A value that
 * is overridden is not parsed: only the effective value must be valid. Immutable; each {@link
 * #load()} starts afresh.
 */
public final class MeshConfigLoader {

  private static final Logger log = LoggerFactory.getLogger(MeshConfigLoader.class);

  private final ConfigSchema schema;
  private final List<PropertySource> sources;
  private final Map<String, String> environment;
  private final Properties systemProperties;
  private final List<ConfigValidator> validators;

  private MeshConfigLoader(Builder b) {
    this.schema = b.schema;
    this.sources = List.copyOf(b.sources);
    this.environment = Map.copyOf(b.environment);
    this.systemProperties = copy(b.systemProperties);
    this.validators = List.copyOf(b.validators);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * @throws MeshConfigException listing every problem found
   */
  public MeshConfig load() {
    List<ConfigProblem> problems = new ArrayList<>();
    List<PropertySource.Entry> entries = new ArrayList<>();
    for (PropertySource source : sources) {
      entries.addAll(source.entries());
      problems.addAll(source.problems());
    }
    List<PropertySource.Entry> sysprops = systemPropertyEntries();
    entries.addAll(environmentEntries(knownServices(entries, sysprops), problems));
    entries.addAll(sysprops);

    Map<String, Setting> effective = resolve(entries, problems);
    MeshConfig config = ParsedValues.parse(effective.values(), problems).toConfig();
    checkRequired(effective.keySet(), config, problems);
    // validators see the config without the values that failed: a key already reported as
    // malformed must not be reported again as "missing" or "required"
    java.util.Set<String> reported = new java.util.HashSet<>();
    problems.forEach(p -> reported.add(p.key()));
    List<ConfigProblem> checks = new ArrayList<>();
    runValidators(config, checks);
    checks.stream().filter(p -> p.key() == null || !reported.contains(p.key())).forEach(problems::add);

    if (!problems.isEmpty()) {
      List<ConfigProblem> sorted = new ArrayList<>(new LinkedHashSet<>(problems));
      sorted.sort(new ProblemOrder(sources.stream().map(PropertySource::origin).toList()));
      throw new MeshConfigException(sorted);
    }
    return config;
  }

  /** A written entry whose key resolved against the schema. */
  record Setting(KeyRef ref, PropertySource.Entry entry) {}

  /** Resolves each key once; the last entry for a key wins. Unresolvable keys become problems. */
  private Map<String, Setting> resolve(List<PropertySource.Entry> entries, List<ConfigProblem> problems) {
    KeyResolver resolver = new KeyResolver(schema);
    Map<String, KeyResolver.Resolution> seen = new HashMap<>();
    Map<String, Setting> effective = new LinkedHashMap<>();
    for (PropertySource.Entry e : entries) {
      KeyResolver.Resolution r = seen.computeIfAbsent(e.key(), resolver::resolve);
      if (r.ref() == null) {
        r.problems().forEach(m -> problems.add(new ConfigProblem(e.key(), e.value(), e.location(), m)));
      } else {
        effective.remove(e.key()); // re-insert so iteration follows the winning entry
        effective.put(e.key(), new Setting(r.ref(), e));
      }
    }
    return effective;
  }

  private List<PropertySource.Entry> systemPropertyEntries() {
    List<PropertySource.Entry> out = new ArrayList<>();
    for (String name : new TreeSet<>(systemProperties.stringPropertyNames())) {
      if (name.startsWith("mesh.")) {
        out.add(new PropertySource.Entry(
            name, systemProperties.getProperty(name), ProblemOrder.SYSTEM_PROPERTY + " " + name));
      }
    }
    return out;
  }

  private List<PropertySource.Entry> environmentEntries(Set<String> knownServices, List<ConfigProblem> problems) {
    List<PropertySource.Entry> out = new ArrayList<>();
    for (Map.Entry<String, String> var : new TreeMap<>(environment).entrySet()) {
      String name = var.getKey();
      if (!name.startsWith(EnvNames.PREFIX)) {
        continue;
      }
      String location = ProblemOrder.ENV + " " + name;
      Optional<String> key = EnvNames.resolve(name, schema, knownServices);
      if (key.isPresent()) {
        out.add(new PropertySource.Entry(key.get(), var.getValue(), location));
        continue;
      }
      Optional<ModuleHint> hint = schema.hintForEnv(name);
      if (hint.isPresent()) {
        // a mesh setting for a missing module: silently ignoring it could weaken security (TLS mode)
        problems.add(new ConfigProblem(name, var.getValue(), location, hint.get().message()));
      } else {
        log.debug("Ignoring environment variable {}: it names no mesh4j configuration key", name);
      }
    }
    return out;
  }

  /** Service names the written keys mention, so env variables can be matched to them. */
  private static Set<String> knownServices(List<PropertySource.Entry> a, List<PropertySource.Entry> b) {
    Set<String> names = new TreeSet<>();
    for (List<PropertySource.Entry> list : List.of(a, b)) {
      for (PropertySource.Entry e : list) {
        if (e.key().startsWith(ConfigSchema.SERVICES_PREFIX)) {
          String rest = e.key().substring(ConfigSchema.SERVICES_PREFIX.length());
          int dot = rest.indexOf('.');
          if (dot > 0) {
            names.add(rest.substring(0, dot));
          }
        }
      }
    }
    return names;
  }

  /** A required key that is set but failed to parse was already reported; only absent ones here. */
  private void checkRequired(Set<String> setKeys, MeshConfig config, List<ConfigProblem> problems) {
    for (ConfigKey<?> key : schema.globalKeys()) {
      if (key.required() && !setKeys.contains(key.name())) {
        problems.add(missing(key.name(), key));
      }
    }
    for (ConfigKey<?> key : schema.serviceKeys()) {
      if (!key.required() || setKeys.contains(ConfigSchema.DEFAULTS_PREFIX + key.name())) {
        continue;
      }
      for (String service : config.services().keySet()) {
        String fullName = ConfigSchema.SERVICES_PREFIX + service + "." + key.name();
        if (!setKeys.contains(fullName)) {
          problems.add(missing(fullName, key));
        }
      }
    }
  }

  private static ConfigProblem missing(String fullName, ConfigKey<?> key) {
    return new ConfigProblem(
        fullName, null, null, "missing required key (expected: " + key.parser().expected() + ")");
  }

  private void runValidators(MeshConfig config, List<ConfigProblem> problems) {
    for (ConfigValidator validator : validators) {
      List<ConfigProblem> found = new ArrayList<>();
      try {
        validator.validate(config, found);
        problems.addAll(found);
      } catch (RuntimeException e) {
        // a buggy validator must not hide the problems the others found
        log.debug("Config validator {} failed", nameOf(validator), e);
        problems.addAll(found);
        problems.add(new ConfigProblem(null, null, null, "validator " + nameOf(validator) + " failed: " + e));
      }
    }
  }

  private static String nameOf(ConfigValidator validator) {
    String name = validator.getClass().getName();
    int lambda = name.indexOf("$$Lambda");
    return lambda >= 0 ? name.substring(0, lambda) + " (lambda)" : name;
  }

  private static Properties copy(Properties p) {
    Properties out = new Properties();
    for (String name : p.stringPropertyNames()) {
      out.setProperty(name, p.getProperty(name));
    }
    return out;
  }

  /** Builds a {@link MeshConfigLoader}; not thread-safe. */
  public static final class Builder {
    private ConfigSchema schema = ConfigSchema.builder().build();
    private final List<PropertySource> sources = new ArrayList<>();
    private Map<String, String> environment = System.getenv();
    private Properties systemProperties = System.getProperties();
    private final List<ConfigValidator> validators = new ArrayList<>();

    private Builder() {}

    /** The keys to accept; default: only {@code mesh.service} and {@code mesh.trust-domain}. */
    public Builder schema(ConfigSchema schema) {
      this.schema = Objects.requireNonNull(schema, "schema");
      return this;
    }

    /** Adds a source; a later source overrides an earlier one key by key. */
    public Builder source(PropertySource source) {
      sources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /** The environment to read {@code MESH_*} variables from; default {@link System#getenv()}. */
    public Builder environment(Map<String, String> environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** The properties to read {@code mesh.*} from; default {@link System#getProperties()}. */
    public Builder systemProperties(Properties systemProperties) {
      this.systemProperties = Objects.requireNonNull(systemProperties, "systemProperties");
      return this;
    }

    /** Adds a cross-key check, run after parsing, in the order added. */
    public Builder validator(ConfigValidator validator) {
      validators.add(Objects.requireNonNull(validator, "validator"));
      return this;
    }

    public MeshConfigLoader build() {
      return new MeshConfigLoader(this);
    }

    /** Shorthand for {@code build().load()}. */
    public MeshConfig load() {
      return build().load();
    }
  }
}
