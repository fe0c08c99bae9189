package io.mesh4j.spring.boot.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
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

  /** The OS environment as Spring sees it (tests may replace it), for mesh4j's own {@code MESH_*} reading. */
  public static Map<String, String> systemEnvironment(ConfigurableEnvironment environment) {
    Map<String, String> env = new LinkedHashMap<>();
    environment.getSystemEnvironment().forEach((k, v) -> {
      if (v != null) {
        env.put(k, String.valueOf(v));
      }
    });
    return env;
  }

  /** The JVM's system properties as Spring sees them, for mesh4j's own {@code -Dmesh.*} reading. */
  public static java.util.Properties systemProperties(ConfigurableEnvironment environment) {
    java.util.Properties props = new java.util.Properties();
    environment.getSystemProperties().forEach((k, v) -> {
      if (v != null) {
        props.put(k, String.valueOf(v));
      }
    });
    return props;
  }
}
