package io.mesh4j.internal.runtime;

import io.mesh4j.MeshException;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryContext;
import io.mesh4j.discovery.DiscoveryListener;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.spi.EndpointFilter;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import io.mesh4j.spi.TransportSecurity;
import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one {@link io.mesh4j.MeshClient} owns while it runs: the scheduler, the routes of
 * its services, the modules' extensions and the connection pool of mesh routes. Closing it stops
 * all of them.
 */
public final class MeshRuntime implements MeshContext, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MeshRuntime.class);
  private static final AtomicInteger CLIENT_IDS = new AtomicInteger();

  private final MeshConfig config;
  private final MeshClock clock;
  private final String clientId;
  private final ScheduledThreadPoolExecutor scheduler;
  private final Map<String, ServiceRoute> routes = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<MeshExtension> extensions = new ArrayList<>();
  private final List<MeshStage> callStages = new ArrayList<>();
  private final List<MeshStage> attemptStages = new ArrayList<>();
  private final List<Interceptor> networkInterceptors = new ArrayList<>();
  private final List<EndpointFilter> endpointFilters = new ArrayList<>();
  private final ConnectionPool connectionPool = new ConnectionPool(32, 5, TimeUnit.MINUTES);
  private final InFlightCalls inFlight = new InFlightCalls();
  private TransportSecurity transportSecurity;
  private volatile boolean closed;

  private MeshRuntime(MeshConfig config, MeshClock clock) {
    this.config = config;
    this.clock = clock;
    this.clientId = Integer.toString(CLIENT_IDS.incrementAndGet());
    this.scheduler = new ScheduledThreadPoolExecutor(1, threadFactory("scheduler"));
    this.scheduler.setRemoveOnCancelPolicy(true);
    this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Starts modules, then each service's balancer and discovery; on failure stops what started. */
  public static MeshRuntime start(MeshConfig config, Plugins plugins, MeshClock clock) {
    MeshRuntime runtime = new MeshRuntime(config, clock);
    try {
      runtime.startModules(plugins);
      runtime.startServices(plugins);
      runtime.extensions.forEach(MeshExtension::started);
      return runtime;
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  private void startModules(Plugins plugins) {
    for (MeshModule module : plugins.modules()) {
      MeshExtension extension;
      try {
        extension = module.create(this);
      } catch (MeshException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new MeshException("module " + module.artifactId() + " failed to start: " + e.getMessage(), e);
      }
      extensions.add(extension);
      for (MeshStage stage : extension.stages()) {
        (stage.kind() == MeshStage.Kind.CALL ? callStages : attemptStages).add(stage);
      }
      networkInterceptors.addAll(extension.networkInterceptors());
      endpointFilters.addAll(extension.endpointFilters());
      extension
          .transportSecurity()
          .ifPresent(
              ts -> {
                if (transportSecurity != null) {
                  throw new MeshException(
                      "two modules secure mesh connections; only one may (second: " + module.artifactId() + ")");
                }
                transportSecurity = ts;
              });
      log.debug("module {} started", module.artifactId());
    }
    callStages.sort(Comparator.comparingInt(MeshStage::order));
    attemptStages.sort(Comparator.comparingInt(MeshStage::order));
  }

  private void startServices(Plugins plugins) {
    for (ServiceConfig service : config.services().values()) {
      ServiceRoute route = new ServiceRoute(
              service, clock, plugins.policy(service), plugins.hashHeader(service), endpointFilters);
      routes.put(service.name(), route);
      DiscoveryProvider provider = plugins.discoveryProvider(service);
      Discovery discovery = provider.start(discoveryContext(service, route));
      route.attach(discovery);
      log.info(
          "service '{}': discovery={}, lb={}", service.name(), provider.name(), route.policyName());
      if (route.hashHeader() == null && plugins.hashesRequests(service)) {
        log.warn(
            "service '{}' uses lb={} without mesh.services.{}.lb.hash-header: every request is"
                + " balanced at random, not by key",
            service.name(),
            route.policyName(),
            service.name());
      }
    }
  }

  private DiscoveryContext discoveryContext(ServiceConfig service, DiscoveryListener listener) {
    MeshRuntime runtime = this;
    return new DiscoveryContext() {
      @Override
      public String serviceName() {
        return service.name();
      }

      @Override
      public ServiceConfig config() {
        return service;
      }

      @Override
      public MeshConfig meshConfig() {
        return config;
      }

      @Override
      public MeshClock clock() {
        return clock;
      }

      @Override
      public ScheduledExecutorService scheduler() {
        return scheduler;
      }

      @Override
      public ThreadFactory threadFactory(String purpose) {
        return runtime.threadFactory(purpose);
      }

      @Override
      public DiscoveryListener listener() {
        return listener;
      }
    };
  }

  /** The route of a configured service, or null when {@code host} is not a mesh service. */
  public ServiceRoute route(String host) {
    return routes.get(host);
  }

  /** The running extension of the given type, if a module contributed one. */
  @Override
  public <T extends MeshExtension> Optional<T> extension(Class<T> type) {
    for (MeshExtension e : extensions) {
      if (type.isInstance(e)) {
        return Optional.of(type.cast(e));
      }
    }
    return Optional.empty();
  }

  public boolean isClosed() {
    return closed;
  }

  public List<MeshStage> callStages() {
    return callStages;
  }

  public List<MeshStage> attemptStages() {
    return attemptStages;
  }

  public List<Interceptor> networkInterceptors() {
    return networkInterceptors;
  }

  /** The transport security of mesh routes, or null when none is on the classpath. */
  public TransportSecurity transportSecurityOrNull() {
    return transportSecurity;
  }

  public ConnectionPool connectionPool() {
    return connectionPool;
  }

  public InFlightCalls inFlight() {
    return inFlight;
  }

  public Duration timeout(ServiceConfig service) {
    return service.get(Plugins.TIMEOUT);
  }

  public Duration initialWait(ServiceConfig service) {
    return service.get(Plugins.INITIAL_WAIT);
  }

  @Override
  public void refreshEndpoints(String service) {
    ServiceRoute route = routes.get(service);
    if (route != null && !closed) {
      // Off the caller's thread: a module may call this from inside a request or a filter.
      try {
        scheduler.execute(route::refresh);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing: nothing left to refresh
      }
    }
  }

  @Override
  public java.util.Set<String> services() {
    return java.util.Set.copyOf(config.services().keySet());
  }

  @Override
  public Optional<io.mesh4j.discovery.DiscoveryStatus> discoveryStatus(String service) {
    ServiceRoute route = routes.get(service);
    return route == null ? Optional.empty() : Optional.of(route.status());
  }

  @Override
  public Optional<TransportSecurity> transportSecurity() {
    return Optional.ofNullable(transportSecurity);
  }

  @Override
  public MeshConfig config() {
    return config;
  }

  @Override
  public MeshClock clock() {
    return clock;
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  @Override
  public ThreadFactory threadFactory(String purpose) {
    return new MeshThreadFactory(purpose + "-" + clientId);
  }

  /**
   * Stops in the reverse order of starting: no new mesh requests, in-flight ones cancelled,
   * discovery and balancers, modules, the scheduler, then the pooled connections.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    inFlight.cancelAll();
    for (ServiceRoute route : routes.values()) {
      closeQuietly(route, "service " + route.serviceName());
    }
    for (int i = extensions.size() - 1; i >= 0; i--) {
      closeQuietly(extensions.get(i), "module extension");
    }
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("mesh4j scheduler did not stop within 5s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connectionPool.evictAll();
  }

  private static void closeQuietly(AutoCloseable c, String what) {
    try {
      c.close();
    } catch (Exception e) {
      log.warn("closing {} failed", what, e);
    }
  }
}
