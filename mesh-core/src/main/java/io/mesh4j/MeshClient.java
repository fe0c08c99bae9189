package io.mesh4j;

import io.mesh4j.config.ConfigDiff;
import io.mesh4j.config.ConfigStatus;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.config.MeshConfigLoader;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.internal.runtime.ConfigApplier;
import io.mesh4j.internal.runtime.ConfigLoading;
import io.mesh4j.internal.runtime.ConfigWatcher;
import io.mesh4j.config.PropertySource;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.internal.okhttp.MeshInterceptor;
import io.mesh4j.internal.okhttp.OkHttpCompatibility;
import io.mesh4j.internal.runtime.MeshRuntime;
import io.mesh4j.internal.runtime.Plugins;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.spi.MeshModule;
import io.mesh4j.time.MeshClock;
import java.nio.file.Path;
import java.time.Duration;
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
 * clients with it, and close it on shutdown ({@link #shutdown(Duration)} lets requests under way
 * finish first): closing stops every thread, timer and mesh connection it started. Needs OkHttp
 * 5.4 or later ({@code com.squareup.okhttp3:okhttp-jvm}); creation fails at once with {@link
 * IncompatibleOkHttpException} on an older one.
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

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MeshClient.class);

  private final MeshRuntime runtime;
  private final ConfigLoading loading;
  private final ConfigApplier applier;
  private volatile ConfigWatcher watcher;
  private final Object reloading = new Object();

  private MeshClient(MeshRuntime runtime, ConfigLoading loading) {
    this.runtime = runtime;
    this.loading = loading;
    this.applier = runtime.configApplier();
  }

  /**
   * Reads and validates a properties file, then starts the mesh it describes. The file is watched
   * ({@code mesh.config.watch}, on by default): a valid edit applies live, an invalid one is
   * rejected whole and logged, and the last good configuration keeps serving.
   *
   * @throws io.mesh4j.config.MeshConfigException naming every invalid key
   * @throws IncompatibleOkHttpException when the okhttp3 classes are not OkHttp 5.4 or later
   */
  public static MeshClient fromProperties(Path file) {
    return builder().propertiesFile(file).build();
  }

  /**
   * Reads {@code mesh.properties} from the context class loader's classpath.
   *
   * @throws IncompatibleOkHttpException when the okhttp3 classes are not OkHttp 5.4 or later
   */
  public static MeshClient fromClasspath() {
    return builder().classpathProperties(CLASSPATH_RESOURCE).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The validated configuration this client runs with now (it changes with live reloads). */
  public MeshConfig config() {
    return runtime.config();
  }

  /** Which configuration runs now, where it came from, and the last rejected change. */
  public ConfigStatus configStatus() {
    return applier.status();
  }

  /**
   * Reads the client's sources again (files, classpath resources, builder properties, then
   * environment and system properties, as at startup) and applies the result, as the file watch
   * does. Keys that need a new client keep their running values (logged, and in {@link
   * #configStatus()}).
   *
   * @return what changed in the running client (empty when nothing did)
   * @throws MeshConfigException when the configuration is invalid: nothing was applied
   * @throws IllegalStateException when the client is closed or shutting down
   */
  public ConfigDiff reload() {
    requireOpen("reload()");
    // Read and apply under one lock: a reload that read the file earlier must not apply an older
    // content after a later reload (the file watch's) applied the newer one.
    synchronized (reloading) {
      MeshConfig loaded;
      try {
        loaded = loading.load();
      } catch (MeshConfigException e) {
        throw applier.rejected(loading.origin(), e.problems());
      }
      return applier.apply(loaded, loading.origin());
    }
  }

  /**
   * Applies a configuration built in code, for an application that gets its settings from
   * elsewhere (a control plane, a database): build it with {@link #configLoader()}. It is checked
   * again with this client's validators; keys that need a new client keep their running values.
   *
   * @return what changed in the running client
   * @throws MeshConfigException when it is invalid here: nothing was applied
   * @throws IllegalStateException when the client is closed or shutting down
   */
  public ConfigDiff apply(MeshConfig next) {
    requireOpen("apply()");
    Objects.requireNonNull(next, "config");
    List<io.mesh4j.config.ConfigProblem> problems = new ArrayList<>();
    for (io.mesh4j.config.ConfigValidator v : runtime.plugins().validators()) {
      v.validate(next, problems);
    }
    if (!problems.isEmpty()) {
      throw applier.rejected(APPLY_ORIGIN, problems);
    }
    return applier.apply(next, APPLY_ORIGIN);
  }

  /**
   * A loader with this client's keys, validators, environment and system properties, to build a
   * configuration for {@link #apply}: add sources ({@code PropertySource.fromMap(...)}) and load.
   */
  public MeshConfigLoader.Builder configLoader() {
    return loading.loaderWithoutSources();
  }

  /** This client's events: endpoints ejected, circuits opened, configuration applied, ... */
  public MeshEvents events() {
    return runtime.events();
  }

  /** Configuration changes stop when a shutdown begins: the client is on its way out. */
  private void requireOpen(String operation) {
    if (runtime.refusesCalls()) {
      throw new IllegalStateException("MeshClient of service '" + runtime.config().service() + "' is "
          + (runtime.isClosed() ? "closed" : "shutting down") + ": " + operation
          + " cannot change its configuration; create a new MeshClient");
    }
  }

  /** The file watch's reload: outcomes are logged and recorded by the applier, never thrown. */
  private void reloadFromWatch() {
    try {
      reload();
    } catch (MeshConfigException e) {
      // logged at ERROR and recorded as the last rejection; the last good config keeps serving
    } catch (IllegalStateException e) {
      // closed meanwhile
    } catch (RuntimeException e) {
      log.error("mesh4j configuration reload from {} failed; the running configuration is kept",
          loading.origin(), e);
    }
  }

  private void watch(Map<Path, java.util.Optional<java.nio.ByteBuffer>> initial) {
    MeshConfig config = runtime.config();
    if (loading.files().isEmpty() || !config.get(MeshConfig.CONFIG_WATCH)) {
      return;
    }
    watcher = ConfigWatcher.start(
        loading.files(), initial, config.get(MeshConfig.CONFIG_WATCH_INTERVAL),
        runtime.threadFactory("config-watch"), this::reloadFromWatch);
  }

  /**
   * A client that routes requests to configured services through the mesh and sends every other
   * request exactly as {@code client} would. Built with {@code client.newBuilder()}, so it shares
   * the caller's dispatcher, pool and interceptors; mesh routes use a connection pool of their own
   * that this mesh closes.
   *
   * @throws MeshClosedException when this client is closed or shutting down: the same exception
   *     requests through an already wrapped client then fail with
   * @throws IllegalArgumentException when {@code client} is already wrapped by a MeshClient
   */
  public OkHttpClient wrap(OkHttpClient client) throws MeshClosedException {
    Objects.requireNonNull(client, "client");
    for (Interceptor i : client.interceptors()) {
      if (i instanceof MeshInterceptor) {
        throw new IllegalArgumentException("this OkHttpClient is already wrapped by a MeshClient");
      }
    }
    if (runtime.refusesCalls()) {
      throw MeshClosedException.cannotWrap(runtime.config().service(), runtime.isClosed());
    }
    MeshInterceptor interceptor = new MeshInterceptor(runtime, client);
    OkHttpClient.Builder b = client.newBuilder().addInterceptor(interceptor);
    interceptor.networkInterceptors().forEach(b::addNetworkInterceptor);
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

  /** True after {@link #close()} (or once {@link #shutdown} has closed the client). */
  public boolean isClosed() {
    return runtime.isClosed();
  }

  /**
   * Stops the mesh: requests to mesh services through wrapped clients then fail with {@link
   * MeshClosedException}, in-flight ones are cancelled, and every thread, timer and mesh
   * connection is gone when this returns. Other hosts keep working. Idempotent; a call that comes
   * while another close or shutdown is closing returns once that one is done.
   */
  @Override
  public void close() {
    stopWatching();
    runtime.close();
  }

  /**
   * Closes gracefully: new requests to mesh services fail at once with {@link
   * MeshClosedException}, while the requests already in flight (with their retries and hedged
   * attempts) may finish for up to {@code grace}; then {@link #close()} runs and cancels what is
   * left. A request is in flight until its response body is closed. Configuration changes ({@link
   * #reload()}, {@link #apply}, the file watch) stop at once. Other hosts keep working.
   *
   * <p>Idempotent and safe concurrently with {@link #close()}: when this returns the client is
   * closed, whoever closed it.
   *
   * @param grace how long in-flight requests may take; {@link Duration#ZERO} closes at once
   * @return true when no in-flight request had to be cancelled (all ended within the grace period,
   *     or none was in flight); false when the close cancelled some, including when a concurrent
   *     {@code close()} or an interrupt of the waiting thread cut the grace period short
   * @throws IllegalArgumentException when {@code grace} is negative
   */
  public boolean shutdown(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("shutdown grace period must not be negative: " + grace);
    }
    long start = System.nanoTime();
    runtime.refuseNewCalls(); // at once, before waiting for a reload under way to finish
    stopWatching();
    Duration left = grace.minusNanos(System.nanoTime() - start);
    return runtime.shutdown(left.isNegative() ? Duration.ZERO : left);
  }

  private void stopWatching() {
    ConfigWatcher w = watcher;
    if (w != null) {
      w.close(); // a reload under way finishes first; none starts after
    }
  }

  @Override
  public String toString() {
    MeshConfig config = runtime.config();
    return "MeshClient{service=" + config.service() + ", services=" + config.services().keySet() + "}";
  }

  private static final String APPLY_ORIGIN = "MeshClient.apply";

  /** Configures a {@link MeshClient} from files and properties set in code. */
  public static final class Builder {
    // Resolved at build(), so classLoader(...) applies whatever the call order.
    private final List<java.util.function.Function<ClassLoader, PropertySource>> sources = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private final List<String> origins = new ArrayList<>();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private Map<String, String> environment = System.getenv();
    private Properties systemProperties; // null: the JVM's, read again on each reload
    private MeshClock clock = MeshClock.SYSTEM;
    private ClassLoader classLoader;
    private final List<MeshModule> modules = new ArrayList<>();
    private final List<DiscoveryProvider> discoveryProviders = new ArrayList<>();
    private final List<LoadBalancerProvider> policies = new ArrayList<>();

    private Builder() {}

    /** Adds a properties file; later sources override earlier ones key by key. */
    public Builder propertiesFile(Path file) {
      Objects.requireNonNull(file, "file");
      sources.add(loader -> PropertySource.fromFile(file));
      files.add(file);
      origins.add(file.getFileName() != null ? file.getFileName().toString() : file.toString());
      return this;
    }

    /** Adds a properties resource from the classpath. */
    public Builder classpathProperties(String resource) {
      sources.add(loader -> PropertySource.fromClasspath(loader, resource));
      origins.add("classpath:" + resource);
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
     *
     * @throws IncompatibleOkHttpException when the okhttp3 classes on the class path are not OkHttp
     *     5.4 or later; nothing was started
     */
    public MeshClient build() {
      // First, before anything starts: an older OkHttp would otherwise fail the first request.
      OkHttpCompatibility.require();
      ClassLoader loader = loader();
      Plugins plugins = Plugins.load(loader, modules, discoveryProviders, policies);
      List<java.util.function.Supplier<PropertySource>> suppliers = new ArrayList<>();
      sources.forEach(source -> suppliers.add(() -> source.apply(loader)));
      if (!properties.isEmpty()) {
        Map<String, String> inCode = Map.copyOf(new LinkedHashMap<>(properties));
        suppliers.add(() -> PropertySource.fromMap(inCode, "MeshClient.Builder"));
      }
      Properties fixed = systemProperties;
      ConfigLoading loading = new ConfigLoading(
          plugins, suppliers, files, environment, () -> fixed != null ? fixed : System.getProperties(), origin());
      // read before loading: an edit made while the client starts is then seen as a change
      Map<Path, java.util.Optional<java.nio.ByteBuffer>> contents = ConfigWatcher.read(files);
      MeshConfig config = loading.load();
      MeshClient client = new MeshClient(MeshRuntime.start(config, plugins, clock, loading.origin()), loading);
      try {
        client.runtime.scheduler().execute(OkHttpCompatibility::warnAboutSecondCopy);
        client.watch(contents);
      } catch (RuntimeException e) {
        client.close();
        throw e;
      }
      return client;
    }

    /** The last source named, as logs and the status name the configuration. */
    private String origin() {
      return origins.isEmpty() ? "MeshClient.Builder" : origins.get(origins.size() - 1);
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
