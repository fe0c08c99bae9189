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
import java.util.Objects;
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
 * publishes the {@link RouteSnapshot} requests start on.
 *
 * <p>Every change runs as a task of one {@link SerialExecutor}: serialized, but with no lock held
 * while policy or filter code runs, so a discovery thread pushing an answer or a policy publishing
 * a picker from its timer never blocks on a change under way (nor the other way round). A task may
 * run on any thread that submits one, a provider's own watch thread included, so tasks never call
 * the provider: watching, closing and refreshing a subscription happen outside them, on the thread
 * that asks for the change (a provider may then join its watch thread when closed). Requests only
 * read the volatile snapshot; metrics read the volatile status.
 */
public final class ServiceRoute {

  private static final Logger log = LoggerFactory.getLogger(ServiceRoute.class);
  /** Discovery refreshes asked for by failing connections: at most one per this interval. */
  static final long REFRESH_MIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String name;
  private final RouteContext context;
  private final SerialExecutor serial;
  private final DiscoveryState discovery; // confined to serial tasks, but for its latch
  private final AtomicLong lastRefreshNanos = new AtomicLong();
  private volatile RouteSnapshot current;
  private volatile DiscoveryStatus status;
  private volatile boolean closed;
  // confined to serial tasks:
  private ServiceConfig config;
  private Balancer active;
  private Balancer pending; // a new policy not yet ready
  private LoadBalancerUpdate lastFed; // what the balancers last got
  private Locality fedLocality;
  private volatile Discovery subscription; // also read by refresh, outside tasks
  private DiscoveryUpdate heldEmpty; // a non-authoritative empty answer waiting out its grace
  private java.util.concurrent.ScheduledFuture<?> heldEmptyTimer;
  private long generation; // of the subscription whose answers count

  private ServiceRoute(String name, RouteContext context) {
    this.name = name;
    this.context = context;
    this.serial = new SerialExecutor("service '" + name + "'");
    this.discovery = new DiscoveryState(name, context.events());
    this.status = discovery.status();
    this.lastRefreshNanos.set(context.clock().nanoTime() - REFRESH_MIN_INTERVAL_NANOS);
  }

  /**
   * Creates the route with its balancer and first snapshot; discovery starts with {@link
   * #startDiscovery()}.
   *
   * @throws RuntimeException when the policy cannot be created
   */
  static ServiceRoute create(ServiceConfig config, RouteContext context) {
    ServiceRoute route = new ServiceRoute(config.name(), context);
    route.serial.executeAndWait(() -> {
      route.config = config;
      route.active = route.newBalancer(config);
      route.publishSnapshot();
    });
    return route;
  }

  /**
   * Starts discovery, whose first answer (and the endpoint filters) may be applied before this
   * returns. On failure, whatever started is stopped.
   */
  void startDiscovery() {
    try {
      subscribe(current.config());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  io.mesh4j.config.ConfigSchema schema() {
    return context.plugins().schema();
  }

  /** (routing service, key) pairs warned about: one WARN each, and a bound against endless distinct keys. */
  private final java.util.Set<String> warnedOverrides = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A route's override of a key no module on the class path declares is dropped: said once. */
  void warnMissingOverrideOnce(String routedFrom, String key) {
    if (warnedOverrides.size() < 1024 && warnedOverrides.add(routedFrom + '\0' + key)) {
      log.warn("a route of service '{}' overrides key '{}' of service '{}', which no module on the class path"
          + " declares (is mesh-resilience missing?): the override is ignored", routedFrom, key, name);
    }
  }

  String hashHeader(ServiceConfig service) {
    return context.plugins().hashHeader(service);
  }

  /** The snapshot a request starting now runs on. */
  public RouteSnapshot current() {
    return current;
  }

  /** True once the route is closed: its service was removed, or the client closed. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * The balancer a changed configuration needs, created now so that a policy that cannot start
   * refuses the change before anything of it is applied; null when the policy does not change.
   *
   * @throws RuntimeException when the new policy cannot be created
   */
  Balancer prepare(ServiceConfig next) {
    RouteSnapshot now = current;
    LoadBalancerProvider policy = context.plugins().policy(next);
    if (policy == context.plugins().policy(now.config())) {
      return null;
    }
    return newBalancer(next);
  }

  /**
   * Applies a changed configuration: snapshot, policy and discovery follow what changed. Returns
   * when it is applied.
   *
   * @param prepared the new policy from {@link #prepare}, or null
   */
  void reconfigure(ServiceConfig next, Balancer prepared) {
    boolean[] resubscribe = {false};
    serial.executeAndWait(() -> {
      if (closed || next.equals(config)) {
        if (prepared != null) {
          prepared.close();
        }
        return;
      }
      ServiceConfig previous = config;
      config = next;
      // The new snapshot first: requests that start from now on see the new config (TLS mode,
      // identities) before the balancer they share with older snapshots gets new endpoints.
      publishSnapshot();
      if (prepared != null) {
        switchPolicy(prepared);
      }
      resubscribe[0] = discoveryChanged(previous, next);
      rebalance(false);
    });
    if (resubscribe[0]) {
      subscribe(next);
    }
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
  private void switchPolicy(Balancer candidate) {
    if (pending != null) {
      pending.close();
      pending = null;
    }
    if (candidate.policyName().equals(active.policyName())) {
      candidate.close(); // switched back before the other one was ready: keep the running one
      return;
    }
    log.info("service '{}' switches load balancing from {} to {}", name, active.policyName(), candidate.policyName());
    if (lastFed == null) {
      promote(candidate); // nothing to balance yet: nothing to wait for
      return;
    }
    pending = candidate;
    candidate.update(lastFed.withConfig(config));
    // a policy that publishes later is promoted when it does (balancerReady)
  }

  private Balancer newBalancer(ServiceConfig service) {
    LoadBalancerProvider policy = context.plugins().policy(service);
    return new Balancer(name, policy, context, this::balancerReady);
  }

  /** A policy published its first picker, possibly from its own thread. */
  private void balancerReady(Balancer balancer) {
    serial.execute(() -> {
      if (balancer == pending && !closed) {
        promote(balancer);
      }
    });
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

  /**
   * Starts a (new) subscription, outside the serial tasks (the provider may call back at once, or
   * join its own threads when the old one closes); answers of an older one are ignored from the
   * moment the new one starts. Called by one config change at a time.
   */
  private void subscribe(ServiceConfig service) {
    DiscoveryProvider provider = context.plugins().discoveryProvider(service);
    long[] gen = new long[1];
    serial.executeAndWait(() -> gen[0] = ++generation);
    Discovery started;
    try {
      started = context.backend(provider).watch(new Watch(gen[0], service));
    } catch (RuntimeException e) {
      boolean[] hadOne = {false};
      serial.executeAndWait(() -> {
        hadOne[0] = subscription != null;
        if (generation == gen[0] && hadOne[0]) {
          generation = gen[0] - 1; // keep the running subscription: better stale than nothing
        }
      });
      if (!hadOne[0]) {
        throw e;
      }
      log.error("discovery '{}' for service '{}' failed to start; keeping the previous subscription",
          provider.name(), name, e);
      return;
    }
    Discovery[] toClose = new Discovery[1];
    serial.executeAndWait(() -> {
      if (closed || generation != gen[0]) {
        toClose[0] = started;
      } else {
        toClose[0] = subscription;
        subscription = started;
      }
    });
    if (toClose[0] != null) {
      closeQuietly(toClose[0]);
    }
  }

  private void onUpdate(long gen, DiscoveryUpdate update) {
    serial.execute(() -> {
      if (closed || gen != generation) {
        return;
      }
      if (holdBackEmpty(gen, update)) {
        return;
      }
      apply(update);
    });
  }

  private void apply(DiscoveryUpdate update) {
    ServiceAttributes before = discovery.lastGood() == null ? null : discovery.lastGood().attributes();
    boolean changed = discovery.accept(update, context.clock().nanoTime());
    if (changed) {
      if (!update.attributes().equals(before)) {
        publishSnapshot();
      }
      rebalance(false);
    }
    status = discovery.status();
    discovery.release();
  }

  /**
   * A sudden empty answer the source is not sure of (every etcd key gone, every DNS record
   * expired) is held back for {@code discovery.empty-grace} while the last endpoints keep serving:
   * a glitch of the backend must not fail every request. Any other answer ends the hold.
   */
  private boolean holdBackEmpty(long gen, DiscoveryUpdate update) {
    DiscoveryUpdate good = discovery.lastGood();
    java.time.Duration grace = config.get(io.mesh4j.config.ServiceKeys.DISCOVERY_EMPTY_GRACE);
    boolean hold = update.endpoints().isEmpty() && !update.authoritative() && good != null
        && !good.endpoints().isEmpty() && !grace.isZero()
        && update.attributes().get(ServiceAttributes.REQUEST_ROUTER) == null; // routing needs no endpoints
    if (!hold) {
      endHold();
      return false;
    }
    if (heldEmpty == null) {
      log.warn("discovery for service '{}' answered with no endpoints; the last {} keep serving for {} unless it"
          + " answers again (mesh.services.{}.discovery.empty-grace)", name, good.endpoints().size(),
          io.mesh4j.config.ValueParsers.formatDuration(grace), name);
      try {
        heldEmptyTimer = context.scheduler().schedule(
            () -> serial.execute(() -> releaseHeldEmpty(gen)), grace.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closing) {
        return true;
      }
    }
    heldEmpty = update;
    return true;
  }

  private void releaseHeldEmpty(long gen) {
    DiscoveryUpdate empty = heldEmpty;
    heldEmpty = null;
    heldEmptyTimer = null;
    if (closed || gen != generation || empty == null) {
      return;
    }
    log.warn("discovery for service '{}' still has no endpoints after its grace period: its requests now fail", name);
    apply(empty);
  }

  private void endHold() {
    heldEmpty = null;
    if (heldEmptyTimer != null) {
      heldEmptyTimer.cancel(false);
      heldEmptyTimer = null;
    }
  }

  private void onError(long gen, Throwable error) {
    serial.execute(() -> {
      if (closed || gen != generation) {
        return;
      }
      discovery.fail(error, context.clock().nanoTime());
      status = discovery.status();
      discovery.release(); // after the status: a request failed by this error finds it there
    });
  }

  /** The modules' filters changed their verdict: recompute the eligible endpoints. */
  void refreshEndpoints() {
    serial.execute(() -> {
      if (!closed) {
        rebalance(false);
      }
    });
  }

  /** The client's locality changed: every balancer gets it with a fresh update. */
  void localityChanged() {
    serial.executeAndWait(() -> {
      if (!closed) {
        rebalance(true);
      }
    });
  }

  private void rebalance(boolean force) {
    DiscoveryUpdate good = discovery.lastGood();
    if (good == null) {
      return;
    }
    List<Endpoint> discovered = good.endpoints();
    List<Endpoint> sourceHealthy = sourceHealthy(discovered);
    List<Endpoint> eligible = applyFilters(sourceHealthy);
    discovery.eligible(eligible);
    status = discovery.status();
    // the source reported none healthy and all were kept: a panic of its own (see sourceHealthy)
    boolean sourcePanic = sourceHealthy == discovered && !allHealthyAtSource(discovered);
    LoadBalancerUpdate update = new LoadBalancerUpdate(
        eligible, config, good.attributes(), excluded(discovered, eligible), panicThreshold(), sourcePanic);
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

  private static boolean allHealthyAtSource(List<Endpoint> endpoints) {
    for (Endpoint e : endpoints) {
      if (e.health() != EndpointHealth.HEALTHY) {
        return false;
      }
    }
    return true;
  }

  /** The discovered endpoints that are not eligible, for policies that weigh healthy shares. */
  private static List<Endpoint> excluded(List<Endpoint> discovered, List<Endpoint> eligible) {
    if (eligible.size() == discovered.size()) {
      return List.of(); // filters only ever remove
    }
    Set<Endpoint> kept = new java.util.HashSet<>(eligible);
    List<Endpoint> out = new ArrayList<>(discovered.size() - eligible.size());
    for (Endpoint e : discovered) {
      if (!kept.contains(e)) {
        out.add(e);
      }
    }
    return out;
  }

  /** The highest panic threshold a filter asks for; the policies apply it per priority. */
  private int panicThreshold() {
    int threshold = 0;
    for (EndpointFilter filter : context.endpointFilters()) {
      try {
        threshold = Math.max(threshold, Math.min(100, filter.panicThreshold(name)));
      } catch (RuntimeException e) {
        log.error("endpoint filter {} failed for service '{}'; ignoring its panic threshold", filter, name, e);
      }
    }
    return threshold;
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

  /** Provider code: on the scheduler, outside the serial tasks. */
  private void refreshDiscovery() {
    Discovery running = closed ? null : subscription;
    if (running != null) {
      try {
        running.refresh();
      } catch (RuntimeException e) {
        log.warn("discovery refresh of service '{}' failed", name, e);
      }
    }
  }

  /**
   * Waits until discovery has answered once (endpoints or an error), or the route closed, at most
   * the given time.
   */
  public boolean awaitFirstAnswer(long timeoutNanos) throws InterruptedException {
    return discovery.awaitFirstAnswer(timeoutNanos);
  }

  /**
   * True once discovery has answered (endpoints or an error) and the snapshot of that answer is
   * published: read it BEFORE {@link #current()}, and a true here means current() carries the
   * answer (e.g. the router of a routing service).
   */
  public boolean hasAnswered() {
    return discovery.hasAnswered();
  }

  /** The discovery error that left this service with no endpoint list at all, or null. */
  public Throwable discoveryError() {
    return discovery.errorWithoutEndpoints();
  }

  DiscoveryStatus status() {
    return status;
  }

  /**
   * Stops discovery and the balancers, and wakes requests waiting for a first answer. Requests
   * under way finish on their snapshot's last picker.
   */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    discovery.release();
    Discovery[] running = new Discovery[1];
    serial.executeAndWait(() -> {
      endHold();
      running[0] = subscription;
      subscription = null;
      for (Balancer b : new Balancer[] {active, pending}) {
        if (b != null) {
          b.close();
        }
      }
      pending = null;
    });
    if (running[0] != null) {
      closeQuietly(running[0]); // provider code: outside the tasks
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
      ServiceRoute.this.onUpdate(gen, Objects.requireNonNull(update, "update"));
    }

    @Override
    public void onError(Throwable error) {
      ServiceRoute.this.onError(gen, Objects.requireNonNull(error, "error"));
    }
  }
}
