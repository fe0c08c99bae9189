package io.mesh4j.internal.runtime;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryContext;
import io.mesh4j.discovery.DiscoveryListener;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.EndpointHealth;
import io.mesh4j.discovery.Locality;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.spi.EndpointFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service while the mesh routes it, across configuration changes: it runs the service's
 * discovery subscription, turns each answer into the eligible endpoints (source health, then the
 * modules' filters), feeds them to the active load balancer, switches policies gracefully, and
 * publishes the {@link RouteSnapshot} requests start on. Every change is serialized on this
 * object; requests only read the volatile snapshot.
 */
public final class ServiceRoute {

  private static final Logger log = LoggerFactory.getLogger(ServiceRoute.class);
  /** Discovery refreshes asked for by failing connections: at most one per this interval. */
  static final long REFRESH_MIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String name;
  private final RouteContext context;
  private final DiscoveryState discovery;
  private final AtomicLong lastRefreshNanos = new AtomicLong();
  private volatile RouteSnapshot current;
  private ServiceConfig config; // guarded by this
  private Balancer active; // guarded by this
  private Balancer pending; // guarded by this: a new policy not yet ready
  private LoadBalancerUpdate lastFed; // guarded by this: what the balancers last got
  private Locality fedLocality; // guarded by this
  private Discovery subscription; // guarded by this
  private long generation; // guarded by this: of the subscription whose answers count
  private boolean closed; // guarded by this

  private ServiceRoute(String name, RouteContext context) {
    this.name = name;
    this.context = context;
    this.discovery = new DiscoveryState(name, context.events());
    this.lastRefreshNanos.set(context.clock().nanoTime() - REFRESH_MIN_INTERVAL_NANOS);
  }

  /** Creates the route with its balancer and first snapshot; discovery starts with {@link #startDiscovery()}. */
  static ServiceRoute create(ServiceConfig config, RouteContext context) {
    ServiceRoute route = new ServiceRoute(config.name(), context);
    synchronized (route) {
      route.config = config;
      route.active = route.newBalancer(config);
      route.publishSnapshot();
    }
    return route;
  }

  /**
   * Starts discovery, whose first answer (and the endpoint filters) may run before this returns.
   * On failure, whatever started is stopped.
   */
  void startDiscovery() {
    try {
      synchronized (this) {
        subscribe(config);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  /** The snapshot a request starting now runs on. */
  public RouteSnapshot current() {
    return current;
  }

  /** Applies a changed configuration: discovery, policy and snapshot follow what changed. */
  synchronized void reconfigure(ServiceConfig next) {
    if (closed || next.equals(config)) {
      return;
    }
    ServiceConfig previous = config;
    config = next;
    // The new snapshot first: requests that start from now on see the new config (TLS mode,
    // identities) before the balancer they share with older snapshots gets new endpoints.
    publishSnapshot();
    Plugins plugins = context.plugins();
    if (plugins.policy(next) != plugins.policy(previous)) {
      switchPolicy(next);
    }
    if (discoveryChanged(previous, next)) {
      subscribe(next);
    }
    rebalance(false);
  }

  private boolean discoveryChanged(ServiceConfig previous, ServiceConfig next) {
    Set<String> keys = context.plugins().discoveryKeyNames(previous);
    keys.addAll(context.plugins().discoveryKeyNames(next));
    for (String changed : previous.changedKeys(next)) {
      if (keys.contains(changed)) {
        return true;
      }
    }
    return false;
  }

  /** The new policy gets the current endpoints at once and takes over when it has a picker. */
  private void switchPolicy(ServiceConfig next) {
    if (pending != null) {
      pending.close();
    }
    Balancer candidate = newBalancer(next);
    log.info("service '{}' switches load balancing from {} to {}", name, active.policyName(), candidate.policyName());
    if (lastFed == null) {
      promote(candidate); // nothing to balance yet: nothing to wait for
      return;
    }
    pending = candidate;
    candidate.update(lastFed.withConfig(next));
    // a policy that publishes asynchronously is promoted by onFirstPicker later
  }

  private Balancer newBalancer(ServiceConfig service) {
    LoadBalancerProvider policy = context.plugins().policy(service);
    return new Balancer(name, policy, context, this::balancerReady);
  }

  private void balancerReady(Balancer balancer) {
    synchronized (this) {
      if (balancer == pending && !closed) {
        promote(balancer);
      }
    }
  }

  private void promote(Balancer next) {
    Balancer old = active;
    active = next;
    pending = null;
    publishSnapshot();
    if (old != null && old != next) {
      old.close(); // requests that started on it finish with its last picker
    }
  }

  private void publishSnapshot() {
    DiscoveryUpdate good = discovery.lastGood();
    current = new RouteSnapshot(
        this, config, good == null ? ServiceAttributes.EMPTY : good.attributes(), active,
        context.plugins().hashHeader(config));
  }

  /** Starts a (new) subscription; answers of an older one are ignored from now on. */
  private void subscribe(ServiceConfig service) {
    DiscoveryProvider provider = context.plugins().discoveryProvider(service);
    long gen = ++generation;
    Discovery previous = subscription;
    subscription = null;
    Discovery started;
    try {
      started = context.backend(provider).watch(new Watch(gen, service));
    } catch (RuntimeException e) {
      if (previous == null) {
        throw e;
      }
      generation = gen - 1; // keep the running subscription: better stale than nothing
      subscription = previous;
      log.error("discovery '{}' for service '{}' failed to start; keeping the previous subscription",
          provider.name(), name, e);
      return;
    }
    if (closed || gen != generation) {
      started.close();
    } else {
      subscription = started;
    }
    if (previous != null) {
      closeQuietly(previous);
    }
  }

  private synchronized void onUpdate(long gen, DiscoveryUpdate update) {
    if (closed || gen != generation) {
      return;
    }
    ServiceAttributes before = discovery.lastGood() == null ? null : discovery.lastGood().attributes();
    if (!discovery.accept(update, context.clock().nanoTime())) {
      return;
    }
    if (!update.attributes().equals(before)) {
      publishSnapshot();
    }
    rebalance(false);
  }

  private synchronized void onError(long gen, Throwable error) {
    if (closed || gen != generation) {
      return;
    }
    discovery.fail(error, context.clock().nanoTime());
  }

  /** The modules' filters changed their verdict: recompute the eligible endpoints. */
  synchronized void refreshEndpoints() {
    if (!closed) {
      rebalance(false);
    }
  }

  /** The client's locality changed: every balancer gets it with a fresh update. */
  synchronized void localityChanged() {
    if (!closed) {
      rebalance(true);
    }
  }

  private void rebalance(boolean force) {
    DiscoveryUpdate good = discovery.lastGood();
    if (good == null) {
      return;
    }
    List<Endpoint> eligible = applyFilters(sourceHealthy(good.endpoints()));
    discovery.eligible(eligible);
    LoadBalancerUpdate update = new LoadBalancerUpdate(eligible, config, good.attributes());
    Locality locality = context.locality();
    if (!force && update.equals(lastFed) && locality.equals(fedLocality)) {
      return;
    }
    lastFed = update;
    fedLocality = locality;
    active.update(update);
    if (pending != null) {
      pending.update(update);
    }
  }

  /**
   * Endpoints the source reports healthy; when it reports none healthy, all of them (panic, as
   * Envoy: better a degraded endpoint than none).
   */
  private static List<Endpoint> sourceHealthy(List<Endpoint> endpoints) {
    List<Endpoint> healthy = null;
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint e = endpoints.get(i);
      if (e.health() != EndpointHealth.HEALTHY) {
        if (healthy == null) {
          healthy = new ArrayList<>(endpoints.subList(0, i));
        }
      } else if (healthy != null) {
        healthy.add(e);
      }
    }
    if (healthy == null) {
      return endpoints;
    }
    return healthy.isEmpty() ? endpoints : List.copyOf(healthy);
  }

  private List<Endpoint> applyFilters(List<Endpoint> endpoints) {
    List<Endpoint> eligible = endpoints;
    for (EndpointFilter filter : context.endpointFilters()) {
      try {
        eligible = List.copyOf(filter.filter(name, eligible));
      } catch (RuntimeException e) {
        log.error("endpoint filter {} failed for service '{}'; ignoring it", filter, name, e);
      }
    }
    return eligible;
  }

  /**
   * A connection to an endpoint failed: ask discovery for a fresh answer, at most once per second,
   * off the caller's thread.
   */
  public void requestDiscoveryRefresh() {
    long now = context.clock().nanoTime();
    long last = lastRefreshNanos.get();
    if (now - last < REFRESH_MIN_INTERVAL_NANOS || !lastRefreshNanos.compareAndSet(last, now)) {
      return; // asked recently, or another thread asks at this moment
    }
    try {
      context.scheduler().execute(this::refreshDiscovery);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void refreshDiscovery() {
    Discovery running;
    synchronized (this) {
      running = closed ? null : subscription;
    }
    if (running != null) {
      try {
        running.refresh();
      } catch (RuntimeException e) {
        log.warn("discovery refresh of service '{}' failed", name, e);
      }
    }
  }

  public boolean awaitFirstAnswer(long timeoutNanos) throws InterruptedException {
    return discovery.awaitFirstAnswer(timeoutNanos);
  }

  /** The discovery error that left this service with no endpoint list at all, or null. */
  public Throwable discoveryError() {
    return discovery.errorWithoutEndpoints();
  }

  synchronized DiscoveryStatus status() {
    return discovery.status();
  }

  /** Stops discovery and the balancers. Requests under way finish on their snapshot's last picker. */
  void close() {
    Discovery running;
    Balancer[] balancers;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      running = subscription;
      subscription = null;
      balancers = new Balancer[] {active, pending};
      active = null;
      pending = null;
    }
    if (running != null) {
      closeQuietly(running);
    }
    for (Balancer b : balancers) {
      if (b != null) {
        b.close();
      }
    }
  }

  private void closeQuietly(Discovery d) {
    try {
      d.close();
    } catch (RuntimeException e) {
      log.warn("closing discovery of service '{}' failed", name, e);
    }
  }

  @Override
  public String toString() {
    return "ServiceRoute{" + name + "}";
  }

  /** One subscription's context: its answers count only while it is the route's latest. */
  private final class Watch implements DiscoveryContext, DiscoveryListener {
    private final long gen;
    private final ServiceConfig service;

    Watch(long gen, ServiceConfig service) {
      this.gen = gen;
      this.service = service;
    }

    @Override
    public String serviceName() {
      return name;
    }

    @Override
    public ServiceConfig config() {
      return service;
    }

    @Override
    public DiscoveryListener listener() {
      return this;
    }

    @Override
    public void onUpdate(DiscoveryUpdate update) {
      ServiceRoute.this.onUpdate(gen, java.util.Objects.requireNonNull(update, "update"));
    }

    @Override
    public void onError(Throwable error) {
      ServiceRoute.this.onError(gen, java.util.Objects.requireNonNull(error, "error"));
    }
  }
}
