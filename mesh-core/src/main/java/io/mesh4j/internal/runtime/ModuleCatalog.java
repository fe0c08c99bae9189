package io.mesh4j.internal.runtime;

import io.mesh4j.MeshException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What modules own, as declared in every {@value #RESOURCE} on the classpath: key patterns and
 * plug-in names per artifact. Lets core say "requires module mesh-etcd" for a module whose jar is
 * absent, without naming any module in code; a third-party family declares its own in its jar.
 */
final class ModuleCatalog {

  static final String RESOURCE = "META-INF/mesh4j/modules.properties";

  /** One artifact's declarations. */
  record Entry(
      String artifactId, String coordinates, List<String> keyPatterns, Set<String> discoveryProviders,
      Set<String> policies) {}

  private final Map<String, Entry> entries;

  private ModuleCatalog(Map<String, Entry> entries) {
    this.entries = entries;
  }

  static ModuleCatalog load(ClassLoader loader) {
    Map<String, Properties> byArtifact = new TreeMap<>();
    try {
      Enumeration<URL> urls = loader.getResources(RESOURCE);
      while (urls.hasMoreElements()) {
        URL url = urls.nextElement();
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
          p.load(in);
        }
        for (String name : p.stringPropertyNames()) {
          int dot = name.lastIndexOf('.');
          if (dot <= 0) {
            throw new MeshException(
                "bad entry '" + name + "' in " + url + " (expected: <artifactId>.keys|discovery|lb|coordinates)");
          }
          byArtifact.computeIfAbsent(name.substring(0, dot), a -> new Properties())
              .setProperty(name.substring(dot + 1), p.getProperty(name));
        }
      }
    } catch (IOException e) {
      throw new MeshException("cannot read " + RESOURCE + " from the classpath: " + e.getMessage(), e);
    }
    Map<String, Entry> entries = new TreeMap<>();
    byArtifact.forEach(
        (artifact, p) ->
            entries.put(
                artifact,
                new Entry(
                    artifact,
                    p.getProperty("coordinates", artifact).trim(),
                    List.copyOf(split(p.getProperty("keys"))),
                    Set.copyOf(split(p.getProperty("discovery"))),
                    Set.copyOf(split(p.getProperty("lb"))))));
    return new ModuleCatalog(Collections.unmodifiableMap(entries));
  }

  private static Set<String> split(String list) {
    Set<String> out = new TreeSet<>();
    if (list != null) {
      Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
    }
    return out;
  }

  /** Every declared artifact. */
  java.util.Collection<Entry> entries() {
    return entries.values();
  }

  /** The artifact that declares a discovery provider of this name, if any. */
  java.util.Optional<Entry> discoveryProviderOwner(String name) {
    return entries.values().stream().filter(e -> e.discoveryProviders().contains(name)).findFirst();
  }

  /** The artifact that declares a load-balancing policy of this name, if any. */
  java.util.Optional<Entry> policyOwner(String name) {
    return entries.values().stream().filter(e -> e.policies().contains(name)).findFirst();
  }
}
