package io.mesh4j.internal.runtime;

import io.mesh4j.MeshException;
import io.mesh4j.config.ConfigDiff;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryBackendContext;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.discovery.Locality;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.event.ServiceAdded;
import io.mesh4j.event.ServiceRemoved;
import io.mesh4j.event.ServiceUpdated;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.spi.EndpointFilter;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import io.mesh4j.spi.ResponseClassifier;
import io.mesh4j.spi.ServiceSnapshot;
import io.mesh4j.spi.TransportSecurity;
import io.mesh4j.time.MeshClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one {@link io.mesh4j.MeshClient} owns while it runs: the scheduler, the route table,
 * the modules' extensions, the discovery backends, the event bus and the connection pool of mesh
 * routes. Applies configuration changes to all of them; closing stops all of them.
 */
public final class MeshRuntime implements MeshContext, RouteContext, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MeshRuntime.class);
  private static final AtomicInteger CLIENT_IDS = new AtomicInteger();

  private final Plugins plugins;
  private final MeshClock clock;
  private final String clientId;
  private final ScheduledThreadPoolExecutor scheduler;
  private final MeshThreadFactory schedulerThreads;
  private final EventBus events = new EventBus();
  private final RouteTable routes = new RouteTable();
  /** Routes of services being added: known to modules (service(name)) before requests reach them. */
  private final Map<String, ServiceRoute> preparing = new ConcurrentHashMap<>();
  private final Map<String, DiscoveryBackend> backends = new ConcurrentHashMap<>();
  private final List<MeshExtension> extensions = new ArrayList<>();
  private final List<MeshStage> callStages = new ArrayList<>();
  private final List<MeshStage> attemptStages = new ArrayList<>();
  private final List<Interceptor> networkInterceptors = new ArrayList<>();
  private final List<EndpointFilter> endpointFilters = new ArrayList<>();
  private final ConnectionPool connectionPool = new ConnectionPool(32, 5, TimeUnit.MINUTES);
  private final InFlightCalls inFlight = new InFlightCalls();
  /** Serializes configuration changes with each other and with close(). */
  private final Object changes = new Object();
  private volatile MeshConfig config;
  private TransportSecurity transportSecurity;
  private ResponseClassifier responseClassifier = ResponseClassifier.SERVER_ERRORS;
  private String classifyingModule; // the module whose responseClassifier is used, if any
  private volatile boolean closed;
  /** Set by shutdown (then close): new mesh calls are refused; in-flight ones and their attempts go on. */
  private volatile boolean refusingCalls;
  /** How many in-flight calls close() cancelled: a graceful shutdown reports whether that was none. */
  private volatile int cancelledAtClose;
  /** Released when the first close() has stopped everything; a concurrent close() waits for it. */
  private final java.util.concurrent.CountDownLatch closeDone = new java.util.concurrent.CountDownLatch(1);
  private volatile Thread closingThread;
  private final ConfigApplier applier;
  private final ConfigOverlays overlays;

  private MeshRuntime(MeshConfig config, Plugins plugins, MeshClock clock, String origin) {
    this.config = config;
    this.plugins = plugins;
    this.clock = clock;
    this.clientId = Integer.toString(CLIENT_IDS.incrementAndGet());
    this.schedulerThreads = threadFactory("scheduler");
    this.scheduler = new ScheduledThreadPoolExecutor(1, schedulerThreads);
    this.scheduler.setRemoveOnCancelPolicy(true);
    this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    // before any backend opens: a backend may set its overlay at once
    this.applier = new ConfigApplier(this, origin);
    this.overlays = new ConfigOverlays(this);
  }

  /** Starts modules, then each service's balancer and discovery; on failure stops what started. */
  public static MeshRuntime start(MeshConfig config, Plugins plugins, MeshClock clock, String origin) {
    MeshRuntime runtime = new MeshRuntime(config, plugins, clock, origin);
    try {
      runtime.startModules();
      synchronized (runtime.changes) {
        runtime.commitAdded(runtime.prepareAdded(config.services().values()));
      }
      runtime.extensions.forEach(MeshExtension::started);
      return runtime;
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  private void startModules() {
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
      Optional<ResponseClassifier> classifier = extension.responseClassifier();
      if (classifier.isPresent()) {
        if (classifyingModule != null) {
          throw new MeshException("two modules classify failed responses; only one may ("
              + classifyingModule + " and " + module.artifactId() + ")");
        }
        classifyingModule = module.artifactId();
        responseClassifier = classifier.get();
      }
      log.debug("module {} started", module.artifactId());
    }
    StageOrdering.sort(callStages);
    StageOrdering.sort(attemptStages);
  }

  /**
   * Applies a validated configuration whose restart-only keys already hold their running values:
   * services added, removed and updated, then live global keys. What can fail is done first, before
   * anything is changed: added services are started unpublished and updated services' new policies
   * created; if one fails, all of it is undone and the change refused whole.
   *
   * @throws MeshConfigException when a service could not start or take its new policy; nothing was
   *     applied
   * @throws IllegalStateException when the client is closed or shutting down
   */
  public void apply(MeshConfig next, ConfigDiff diff) {
    synchronized (changes) {
      if (refusingCalls) {
        throw new IllegalStateException("MeshClient of service '" + config.service() + "' is "
            + (closed ? "closed" : "shutting down") + ": the configuration change was not applied");
      }
      MeshConfig previous = config;
      Map<String, Balancer> policies = preparePolicies(diff, next);
      List<ServiceConfig> added = new ArrayList<>();
      diff.servicesAdded().forEach(name -> added.add(next.services().get(name)));
      List<ServiceRoute> started;
      try {
        started = prepareAdded(added);
      } catch (RuntimeException e) {
        policies.values().forEach(Balancer::close);
        throw e;
      }
      config = next;
      for (String name : diff.servicesRemoved()) {
        removeService(previous.services().get(name));
      }
      diff.servicesUpdated().forEach(
          (name, keys) -> updateService(previous.services().get(name), next.services().get(name), keys,
              policies.get(name)));
      commitAdded(started);
      if (!diff.liveGlobals().isEmpty()) {
        if (!previous.locality().equals(next.locality())) {
          routes.all().forEach(ServiceRoute::localityChanged);
        }
        for (MeshExtension e : extensions) {
          notifyModule(e, "onConfigChanged", () -> e.onConfigChanged(previous, next));
        }
      }
    }
  }

  /** The new policies of updated services whose {@code lb} changed; refuses the change if one cannot start. */
  private Map<String, Balancer> preparePolicies(ConfigDiff diff, MeshConfig next) {
    Map<String, Balancer> prepared = new java.util.HashMap<>();
    for (String name : diff.servicesUpdated().keySet()) {
      ServiceRoute route = routes.get(name);
      if (route == null) {
        continue;
      }
      try {
        Balancer b = route.prepare(next.services().get(name));
        if (b != null) {
          prepared.put(name, b);
        }
      } catch (RuntimeException e) {
        prepared.values().forEach(Balancer::close);
        throw new MeshConfigException(List.of(new ConfigProblem("mesh.services." + name + ".lb",
            next.services().get(name).get(plugins.policyKey), null, "the load-balancing policy could not start: " + e)));
      }
    }
    return prepared;
  }

  /**
   * Creates each new service's route (unpublished, but visible to modules through {@link
   * #service}), tells the modules, then starts its discovery. On any failure, undoes what it did
   * and refuses with the service named.
   */
  private List<ServiceRoute> prepareAdded(java.util.Collection<ServiceConfig> services) {
    List<ServiceRoute> started = new ArrayList<>();
    List<Runnable> undo = new ArrayList<>();
    for (ServiceConfig service : services) {
      try {
        ServiceRoute route = ServiceRoute.create(service, this);
        preparing.put(service.name(), route);
        undo.add(() -> {
          preparing.remove(service.name(), route);
          route.close();
        });
        for (MeshExtension e : extensions) {
          e.onServiceAdded(service);
          undo.add(() -> notifyModule(e, "onServiceRemoved", () -> e.onServiceRemoved(service)));
        }
        route.startDiscovery(); // its filters (the modules') may run now
        started.add(route);
      } catch (RuntimeException e) {
        for (int i = undo.size() - 1; i >= 0; i--) {
          undo.get(i).run();
        }
        if (e instanceof MeshException) {
          throw e;
        }
        throw new MeshConfigException(List.of(new ConfigProblem(
            "mesh.services." + service.name(), null, null, "the service could not start: " + e)));
      }
    }
    return started;
  }

  /** Publishes routes started by {@link #prepareAdded}: requests reach them from now on. */
  private void commitAdded(List<ServiceRoute> started) {
    for (ServiceRoute route : started) {
      routes.put(route);
      preparing.remove(route.name(), route);
      RouteSnapshot s = route.current();
      log.info("service '{}': discovery={}, lb={}", route.name(),
          plugins.discoveryProvider(s.config()).name(), s.policyName());
      if (s.hashHeader() == null && plugins.hashesRequests(s.config())) {
        log.warn("service '{}' uses lb={} without mesh.services.{}.lb.hash-header: every request is"
            + " balanced at random, not by key, unless a routing service's route gives it a hash key",
            route.name(), s.policyName(), route.name());
      }
      events.publish(new ServiceAdded(route.name()));
    }
  }

  /** New requests fail closed at once; modules release the service; in-flight requests finish. */
  private void removeService(ServiceConfig last) {
    ServiceRoute route = routes.remove(last.name());
    for (MeshExtension e : extensions) {
      notifyModule(e, "onServiceRemoved", () -> e.onServiceRemoved(last));
    }
    if (route != null) {
      route.close();
    }
    log.info("service '{}' removed: new requests to it fail closed", last.name());
    events.publish(new ServiceRemoved(last.name()));
  }

  private void updateService(ServiceConfig previous, ServiceConfig next, Set<String> changedKeys, Balancer policy) {
    for (MeshExtension e : extensions) {
      notifyModule(e, "onServiceUpdated", () -> e.onServiceUpdated(previous, next));
    }
    ServiceRoute route = routes.get(next.name());
    if (route != null) {
      route.reconfigure(next, policy);
    }
    events.publish(new ServiceUpdated(next.name(), changedKeys));
  }

  /** A module failing to follow a change must not stop the others from following it. */
  private static void notifyModule(MeshExtension extension, String what, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.error("module extension {} failed in {}", extension.getClass().getName(), what, e);
    }
  }

  /** The route of a service, or null when {@code host} is not (or no longer) a mesh service. */
  public ServiceRoute route(String host) {
    return routes.get(host);
  }

  /**
   * For a host {@link #route} did not find (read again from one consistent view): its route if it
   * was added meanwhile, null when it is not a mesh service.
   *
   * @throws io.mesh4j.ServiceRemovedException when it was one and was removed
   */
  public ServiceRoute routeOrFailClosed(String host) throws io.mesh4j.ServiceRemovedException {
    return routes.getOrFailClosed(host);
  }

  /** True when {@code name} was a mesh service and was removed (its name stays off the network). */
  public boolean wasRemoved(String name) {
    return routes.wasRemoved(name);
  }

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

  /** True once a shutdown began or the client closed: new mesh calls fail with MeshClosedException. */
  public boolean refusesCalls() {
    return refusingCalls;
  }

  /** The first step of a shutdown: new mesh calls fail from now on; calls under way go on. */
  public void refuseNewCalls() {
    refusingCalls = true;
  }

  /** The failure of a new call to {@code service} refused by {@link #refusesCalls()}. */
  public io.mesh4j.MeshClosedException refusal(String service) {
    return closed ? new io.mesh4j.MeshClosedException(service) : io.mesh4j.MeshClosedException.shuttingDown(service);
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
  /** Which responses count as failed, for the load balancer's trackers. */
  public ResponseClassifier responseClassifier() {
    return responseClassifier;
  }

  /**
   * Captures the current thread's request context (the slf4j MDC, and what each module carries)
   * for a task of the same request on another thread: see {@link
   * io.mesh4j.pipeline.ConcurrentAttempts}.
   */
  public UnaryOperator<Runnable> captureRequestContext() {
    UnaryOperator<Runnable> carried = MdcCarrier.capture();
    for (MeshExtension e : extensions) {
      UnaryOperator<Runnable> module = e.captureRequestContext();
      if (module != null && module != UnaryOperator.<Runnable>identity()) {
        UnaryOperator<Runnable> outer = carried;
        carried = task -> outer.apply(module.apply(task));
      }
    }
    return carried;
  }

  public TransportSecurity transportSecurityOrNull() {
    return transportSecurity;
  }

  public ConnectionPool connectionPool() {
    return connectionPool;
  }

  public InFlightCalls inFlight() {
    return inFlight;
  }

  public Plugins plugins() {
    return plugins;
  }

  @Override
  public List<EndpointFilter> endpointFilters() {
    return endpointFilters;
  }

  @Override
  public Locality locality() {
    return config.locality();
  }

  @Override
  public DiscoveryBackend backend(DiscoveryProvider provider) {
    return backends.computeIfAbsent(provider.name(), name -> provider.open(new BackendContext(name)));
  }

  /** Applies every configuration change: the user's reloads and the overlays'. */
  public ConfigApplier configApplier() {
    return applier;
  }

  /** What one discovery backend gets: the client's shared services, and an overlay of its own. */
  private final class BackendContext implements DiscoveryBackendContext {
    private final io.mesh4j.config.ConfigOverlay overlay;

    BackendContext(String provider) {
      this.overlay = overlays.overlay(provider);
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
      return MeshRuntime.this.threadFactory(purpose);
    }

    @Override
    public MeshEvents events() {
      return events;
    }

    @Override
    public io.mesh4j.config.ConfigOverlay configOverlay() {
      return overlay;
    }
  }

  /** A published route, or one being added (modules see it from onServiceAdded on). */
  private ServiceRoute knownRoute(String service) {
    ServiceRoute route = routes.get(service);
    return route != null ? route : preparing.get(service);
  }

  @Override
  public void refreshEndpoints(String service) {
    ServiceRoute route = knownRoute(service);
    if (route != null && !closed) {
      // Off the caller's thread: a module may call this from inside a request or a filter.
      try {
        scheduler.execute(route::refreshEndpoints);
      } catch (RejectedExecutionException e) {
        // closing: nothing left to refresh
      }
    }
  }

  @Override
  public void refreshDiscovery(String service) {
    ServiceRoute route = knownRoute(service);
    if (route != null && !closed) {
      route.requestDiscoveryRefresh();
    }
  }

  @Override
  public Set<String> services() {
    return Set.copyOf(routes.names());
  }

  @Override
  public Optional<ServiceSnapshot> service(String name) {
    ServiceRoute route = knownRoute(name);
    return route == null ? Optional.empty() : Optional.of(route.current());
  }

  @Override
  public Optional<DiscoveryStatus> discoveryStatus(String service) {
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
  public MeshEvents events() {
    return events;
  }

  @Override
  public MeshThreadFactory threadFactory(String purpose) {
    return new MeshThreadFactory(purpose + "-" + clientId);
  }

  /**
   * Refuses new mesh calls at once, waits up to {@code grace} for the in-flight ones (with their
   * retries and hedges, which run on the scheduler and pool that stay up meanwhile) to end, then
   * closes, cancelling what is left.
   *
   * @return true when no in-flight call had to be cancelled: every call ended before the close,
   *     whichever of this, another shutdown or close() closed the client
   */
  public boolean shutdown(java.time.Duration grace) {
    refuseNewCalls();
    int waitingFor = inFlight.size();
    if (!closed && waitingFor > 0) {
      log.info("mesh4j shutting down: waiting up to {} ms for {} in-flight mesh call(s)",
          grace.toMillis(), waitingFor);
    }
    boolean drained = false;
    try {
      drained = inFlight.awaitEmpty(System.nanoTime() + nanos(grace));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stop waiting: close now
    }
    if (!drained && !closed) {
      log.warn("mesh4j shutdown: cancelling {} mesh call(s) still in flight after the {} ms grace period",
          inFlight.size(), grace.toMillis());
    }
    close();
    return cancelledAtClose == 0;
  }

  /** The grace in nanoseconds, saturated (a deadline this far away is computed with wrapping arithmetic). */
  private static long nanos(java.time.Duration grace) {
    try {
      return grace.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Stops in the reverse order of starting: no new mesh requests, in-flight ones cancelled,
   * routes (discovery and balancers), discovery backends, modules, the scheduler, then the pooled
   * connections. Waits for a configuration change under way to finish first.
   */
  @Override
  public void close() {
    boolean first;
    synchronized (changes) {
      first = !closed;
      if (first) {
        refusingCalls = true;
        closed = true;
        closingThread = Thread.currentThread();
      }
    }
    if (!first) {
      awaitCloseDone();
      return;
    }
    try {
      stopAll();
    } finally {
      closeDone.countDown();
    }
  }

  /**
   * A second close() (or a shutdown's) returns once the first has stopped everything, so its caller
   * too may rely on nothing running; not on the closing thread itself (a module closing the client).
   */
  private void awaitCloseDone() {
    if (Thread.currentThread() == closingThread) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        closeDone.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopAll() {
    overlays.close(); // no overlay change after this; one under way finished before close() got the lock
    cancelledAtClose = inFlight.cancelAll();
    for (ServiceRoute route : routes.all()) {
      route.close();
    }
    for (DiscoveryBackend backend : backends.values()) {
      closeQuietly(backend, "discovery backend");
    }
    for (int i = extensions.size() - 1; i >= 0; i--) {
      closeQuietly(extensions.get(i), "module extension");
    }
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("mesh4j scheduler did not stop within 5s");
      } else {
        schedulerThreads.awaitExit(1_000);
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
