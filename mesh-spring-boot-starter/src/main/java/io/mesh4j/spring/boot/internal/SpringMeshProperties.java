package io.mesh4j.spring.boot.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The {@code mesh.*} keys of a Spring {@link ConfigurableEnvironment}, as mesh4j expects them.
 *
 * <p>Names come from every enumerable property source except the OS environment and the JVM's
 * system properties (mesh4j reads those itself, matching {@code MESH_*} variables against its own
 * keys, which Spring's relaxed binding cannot do for dashed names). Values are resolved by Spring,
 * so its precedence (profiles, command line, test properties) and placeholders apply. A YAML list
 * ({@code endpoints: [a, b]}, indexed names {@code endpoints[0]}) becomes mesh4j's comma list; such
 * a key is bound by Spring's {@link Binder}, so the highest source that sets it wins whole, as a list
 * or a comma string (a profile's list replaces the base list, it is not merged by index).
 */
public final class SpringMeshProperties {

  static final String PREFIX = "mesh.";
  private static final Pattern INDEXED = Pattern.compile("^(.*)\\[(\\d+)]$");
  private static final Set<String> READ_BY_MESH4J = Set.of(
      StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
      StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);

  private SpringMeshProperties() {}

  /** Every {@code mesh.*} key Spring knows, with Spring's value; in a stable (sorted) order. */
  public static Map<String, String> read(ConfigurableEnvironment environment) {
    Set<String> names = new LinkedHashSet<>();
    for (PropertySource<?> source : environment.getPropertySources()) {
      if (READ_BY_MESH4J.contains(source.getName()) || !(source instanceof EnumerablePropertySource<?> e)) {
        continue;
      }
      for (String name : e.getPropertyNames()) {
        if (name.startsWith(PREFIX)) {
          names.add(name);
        }
      }
    }
    Set<String> lists = new TreeSet<>();
    for (String name : names) {
      Matcher m = INDEXED.matcher(name);
      if (m.matches()) {
        lists.add(m.group(1));
      }
    }
    Map<String, String> result = new TreeMap<>();
    for (String name : names) {
      Matcher m = INDEXED.matcher(name);
      if (lists.contains(m.matches() ? m.group(1) : name)) {
        continue;
      }
      String value = environment.getProperty(name);
      if (value != null) {
        result.put(name, value);
      }
    }
    // a key set as a list anywhere: Spring's Binder takes it whole from the highest source that sets
    // it, list or comma string, so a profile's list replaces the base list instead of merging by index
    Binder binder = null;
    for (String key : lists) {
      if (!ConfigurationPropertyName.isValid(key)) {
        String merged = mergedByIndex(environment, names, key);
        if (merged != null) {
          result.put(key, merged);
        }
        continue;
      }
      if (binder == null) {
        binder = binder(environment);
      }
      binder.bind(key, Bindable.listOf(String.class))
          .ifBound(items -> result.put(key, String.join(",", items)));
    }
    return result;
  }

  /** Spring's Binder over the sources read here (not the OS environment or system properties). */
  private static Binder binder(ConfigurableEnvironment environment) {
    List<PropertySource<?>> sources = new ArrayList<>();
    for (PropertySource<?> source : environment.getPropertySources()) {
      if (!READ_BY_MESH4J.contains(source.getName())) {
        sources.add(source);
      }
    }
    return new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(environment));
  }

  /** A list under a name Spring's Binder cannot take (not kebab-case): its items by index, as resolved. */
  private static String mergedByIndex(ConfigurableEnvironment environment, Set<String> names, String key) {
    String plain = environment.getProperty(key);
    if (plain != null) {
      return plain;
    }
    TreeMap<Integer, String> items = new TreeMap<>();
    for (String name : names) {
      Matcher m = INDEXED.matcher(name);
      if (m.matches() && m.group(1).equals(key)) {
        String value = environment.getProperty(name);
        if (value != null) {
          items.put(Integer.parseInt(m.group(2)), value);
        }
      }
    }
    return items.isEmpty() ? null : String.join(",", items.values());
  }

  /**
   * The OS environment as Spring's {@code systemEnvironment} property source holds it (tests and
   * launchers may replace that source), for mesh4j's own {@code MESH_*} matching.
   */
  public static Map<String, String> systemEnvironment(ConfigurableEnvironment environment) {
    return strings(source(environment, StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        environment.getSystemEnvironment()));
  }

  /** The JVM's system properties as Spring's {@code systemProperties} source holds them, for mesh4j's {@code -Dmesh.*}. */
  public static Properties systemProperties(ConfigurableEnvironment environment) {
    Properties props = new Properties();
    props.putAll(strings(source(environment, StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
        environment.getSystemProperties())));
    return props;
  }

  private static Map<?, ?> source(ConfigurableEnvironment environment, String name, Map<String, Object> fallback) {
    PropertySource<?> source = environment.getPropertySources().get(name);
    if (source != null && source.getSource() instanceof Map<?, ?> map) {
      return map;
    }
    return source == null ? Map.of() : fallback;
  }

  private static Map<String, String> strings(Map<?, ?> map) {
    Map<String, String> result = new LinkedHashMap<>();
    map.forEach((k, v) -> {
      if (k != null && v != null) {
        result.put(String.valueOf(k), String.valueOf(v));
      }
    });
    return result;
  }
}
