package io.mesh4j.spring.boot.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * ({@code endpoints: [a, b]}, indexed names {@code endpoints[0]}) becomes mesh4j's comma list.
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
    Map<String, String> plain = new TreeMap<>();
    Map<String, TreeMap<Integer, String>> lists = new TreeMap<>();
    for (String name : names) {
      String value = environment.getProperty(name);
      if (value == null) {
        continue;
      }
      Matcher m = INDEXED.matcher(name);
      if (m.matches()) {
        lists.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(Integer.parseInt(m.group(2)), value);
      } else {
        plain.put(name, value);
      }
    }
    Map<String, String> result = new LinkedHashMap<>(plain);
    lists.forEach((key, items) -> {
      // a list in one source and a plain value in a higher one: Spring resolves the plain value
      if (!result.containsKey(key)) {
        result.put(key, String.join(",", new ArrayList<>(items.values())));
      }
    });
    return result;
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
