package io.mesh4j.internal.runtime;

import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigLoader;
import io.mesh4j.config.PropertySource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * How a client loads its configuration, kept so that a reload reads it again exactly as startup
 * did: the same sources (files re-read), environment, system properties, schema and validators.
 */
public final class ConfigLoading {

  private final Plugins plugins;
  private final List<Supplier<PropertySource>> sources;
  private final List<Path> files;
  private final Map<String, String> environment;
  private final Supplier<Properties> systemProperties;
  private final String origin;

  /**
   * @param sources read anew by each load, in override order
   * @param files the files among the sources, to watch
   * @param systemProperties asked on each load (the live JVM properties by default)
   * @param origin how to name the configuration in logs and status
   */
  public ConfigLoading(
      Plugins plugins,
      List<Supplier<PropertySource>> sources,
      List<Path> files,
      Map<String, String> environment,
      Supplier<Properties> systemProperties,
      String origin) {
    this.plugins = plugins;
    this.sources = List.copyOf(sources);
    this.files = List.copyOf(files);
    this.environment = environment;
    this.systemProperties = systemProperties;
    this.origin = origin;
  }

  /**
   * Reads every source and validates the result as startup does.
   *
   * @throws io.mesh4j.config.MeshConfigException listing every problem
   */
  public MeshConfig load() {
    MeshConfigLoader.Builder b = loaderWithoutSources();
    sources.forEach(s -> b.source(s.get()));
    return b.load();
  }

  /** A loader with this client's schema, validators, environment and system properties, and no sources yet. */
  public MeshConfigLoader.Builder loaderWithoutSources() {
    MeshConfigLoader.Builder b =
        MeshConfigLoader.builder()
            .schema(plugins.schema())
            .environment(environment)
            .systemProperties(systemProperties.get());
    plugins.validators().forEach(b::validator);
    return b;
  }

  /** The properties files this configuration is read from (not classpath resources). */
  public List<Path> files() {
    return files;
  }

  public String origin() {
    return origin;
  }
}
