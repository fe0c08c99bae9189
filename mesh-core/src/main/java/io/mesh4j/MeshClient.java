package io.mesh4j;

import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigLoader;
import io.mesh4j.config.PropertySource;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.internal.okhttp.MeshInterceptor;
import io.mesh4j.internal.runtime.MeshRuntime;
import io.mesh4j.internal.runtime.Plugins;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.spi.MeshModule;
import io.mesh4j.time.MeshClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/**
 * The mesh, in process. Create one per application from a properties file, wrap your OkHttp
 * clients with it, and close it on shutdown: closing stops every thread, timer and mesh
 * connection it started.
 *
 * <pre>{@code
 * try (MeshClient mesh = MeshClient.fromProperties(Path.of("mesh.properties"))) {
 *   OkHttpClient http = mesh.wrap(new OkHttpClient());
 *   http.newCall(new Request.Builder().url("http://orders/items/42").build()).execute();
 * }
 * }</pre>
 */
public final class MeshClient implements AutoCloseable {

  /** The classpath resource {@link #fromClasspath()} reads. */
  public static final String CLASSPATH_RESOURCE = "mesh.properties";

  private final MeshConfig config;
  private final MeshRuntime runtime;
  private final MeshInterceptor interceptor;
  private final List<Interceptor> networkInterceptors;

  private MeshClient(MeshConfig config, MeshRuntime runtime) {
    this.config = config;
    this.runtime = runtime;
    this.interceptor = new MeshInterceptor(runtime);
    this.networkInterceptors = interceptor.networkInterceptors();
  }

  /** Reads and validates a properties file, then starts the mesh it describes. */
  public static MeshClient fromProperties(Path file) {
    return builder().propertiesFile(file).build();
  }

  /** Reads {@code mesh.properties} from the context class loader's classpath. */
  public static MeshClient fromClasspath() {
    return builder().classpathProperties(CLASSPATH_RESOURCE).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The validated configuration this client runs with. */
  public MeshConfig config() {
    return config;
  }

  /**
   * A client that routes requests to configured services through the mesh and sends every other
   * request exactly as {@code client} would. Built with {@code client.newBuilder()}, so it shares
   * the caller's dispatcher, pool and interceptors; mesh routes use a connection pool of their own
   * that this mesh closes.
   */
  public OkHttpClient wrap(OkHttpClient client) {
    Objects.requireNonNull(client, "client");
    for (Interceptor i : client.interceptors()) {
      if (i instanceof MeshInterceptor) {
        throw new IllegalArgumentException("this OkHttpClient is already wrapped by a MeshClient");
      }
    }
    if (runtime.isClosed()) {
      throw new IllegalStateException("MeshClient is closed");
    }
    OkHttpClient.Builder b = client.newBuilder().addInterceptor(interceptor);
    networkInterceptors.forEach(b::addNetworkInterceptor);
    return b.build();
  }

  /**
   * A module's running extension, to use what the module offers beyond the pipeline: for
   * example {@code mesh.extension(MeshTlsExtension.class)} to serve with this workload's SVID.
   * Empty when no module of that type is on the classpath.
   */
  public <T extends io.mesh4j.spi.MeshExtension> java.util.Optional<T> extension(Class<T> type) {
    return runtime.extension(type);
  }

  /** What the mesh knows of a configured service's endpoints now; empty for an unknown name. */
  public java.util.Optional<io.mesh4j.discovery.DiscoveryStatus> discoveryStatus(String service) {
    return runtime.discoveryStatus(service);
  }

  /** True after {@link #close()}. */
  public boolean isClosed() {
    return runtime.isClosed();
  }

  /**
   * Stops the mesh: requests to mesh services through wrapped clients then fail with {@link
   * MeshClosedException}, in-flight ones are cancelled, and every thread, timer and mesh
   * connection is gone when this returns. Other hosts keep working. Idempotent.
   */
  @Override
  public void close() {
    runtime.close();
  }

  @Override
  public String toString() {
    return "MeshClient{service=" + config.service() + ", services=" + config.services().keySet() + "}";
  }

  /** Configures a {@link MeshClient} from files and properties set in code. */
  public static final class Builder {
    // Resolved at build(), so classLoader(...) applies whatever the call order.
    private final List<java.util.function.Function<ClassLoader, PropertySource>> sources = new ArrayList<>();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private Map<String, String> environment = System.getenv();
    private Properties systemProperties = System.getProperties();
    private MeshClock clock = MeshClock.SYSTEM;
    private ClassLoader classLoader;
    private final List<MeshModule> modules = new ArrayList<>();
    private final List<DiscoveryProvider> discoveryProviders = new ArrayList<>();
    private final List<LoadBalancerProvider> policies = new ArrayList<>();

    private Builder() {}

    /** Adds a properties file; later sources override earlier ones key by key. */
    public Builder propertiesFile(Path file) {
      sources.add(loader -> PropertySource.fromFile(file));
      return this;
    }

    /** Adds a properties resource from the classpath. */
    public Builder classpathProperties(String resource) {
      sources.add(loader -> PropertySource.fromClasspath(loader, resource));
      return this;
    }

    /** Sets one key in code; these override files (but not environment or system properties). */
    public Builder property(String key, String value) {
      properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Shorthand for {@code property("mesh.service", name)}. */
    public Builder service(String name) {
      return property("mesh.service", name);
    }

    /** Environment variables to read {@code MESH_*} overrides from; default {@link System#getenv()}. */
    public Builder environment(Map<String, String> env) {
      this.environment = Map.copyOf(env);
      return this;
    }

    /** System properties to read {@code mesh.*} overrides from; default {@link System#getProperties()}. */
    public Builder systemProperties(Properties props) {
      this.systemProperties = (Properties) props.clone();
      return this;
    }

    /** The clock for timers and latency; tests pass a controllable one. */
    public Builder clock(MeshClock meshClock) {
      this.clock = Objects.requireNonNull(meshClock, "clock");
      return this;
    }

    /** Where modules and plug-ins are looked up; default the context class loader. */
    public Builder classLoader(ClassLoader loader) {
      this.classLoader = loader;
      return this;
    }

    /** Adds a module in code, as if found on the classpath (replaces one with the same artifactId). */
    public Builder module(MeshModule module) {
      modules.add(Objects.requireNonNull(module, "module"));
      return this;
    }

    /** Adds a discovery provider in code (replaces a discovered one with the same name). */
    public Builder discoveryProvider(DiscoveryProvider provider) {
      discoveryProviders.add(Objects.requireNonNull(provider, "provider"));
      return this;
    }

    /** Adds a load-balancing policy in code (replaces a discovered one with the same name). */
    public Builder loadBalancer(LoadBalancerProvider policy) {
      policies.add(Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * Validates the configuration (every problem in one {@link
     * io.mesh4j.config.MeshConfigException}) and starts the mesh.
     */
    public MeshClient build() {
      ClassLoader loader = loader();
      Plugins plugins = Plugins.load(loader, modules, discoveryProviders, policies);
      MeshConfigLoader.Builder configLoader =
          MeshConfigLoader.builder()
              .schema(plugins.schema())
              .environment(environment)
              .systemProperties(systemProperties);
      sources.forEach(source -> configLoader.source(source.apply(loader)));
      if (!properties.isEmpty()) {
        configLoader.source(PropertySource.fromMap(properties, "MeshClient.Builder"));
      }
      plugins.validators().forEach(configLoader::validator);
      MeshConfig config = configLoader.load();
      return new MeshClient(config, MeshRuntime.start(config, plugins, clock));
    }

    private ClassLoader loader() {
      if (classLoader != null) {
        return classLoader;
      }
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      return context != null ? context : MeshClient.class.getClassLoader();
    }
  }
}
