package io.mesh4j.internal.runtime;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryListener;
import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import io.mesh4j.spi.EndpointFilter;
import io.mesh4j.time.MeshClock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured service at run time: receives discovery snapshots, feeds its load balancer, and
 * serves picks from the balancer's latest picker. Listener calls are serialized on this object;
 * picks read one volatile field.
 */
public final class ServiceRoute implements DiscoveryListener, LoadBalancerContext, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServiceRoute.class);
  private static final Picker PENDING = request -> PickResult.noEndpointYet();

  private final String name;
  private final ServiceConfig config;
  private final MeshClock clock;
  private final String policyName;
  private final LoadBalancer loadBalancer;
  private final String hashHeader;
  private final List<EndpointFilter> filters;
  private final CountDownLatch firstAnswer = new CountDownLatch(1);

  private volatile Picker picker = PENDING;
  private volatile Throwable errorWithoutEndpoints;
  private List<Endpoint> lastGood; // guarded by this: as discovered
  private List<Endpoint> lastEligible; // guarded by this: after filters, as the balancer has it
  private Throwable lastError; // guarded by this
  private long lastUpdateNanos = -1; // guarded by this
  private Discovery discovery; // guarded by this
  private boolean closed; // guarded by this

  ServiceRoute(
      ServiceConfig config,
      MeshClock clock,
      LoadBalancerProvider policy,
      String hashHeader,
      List<EndpointFilter> filters) {
    this.name = config.name();
    this.hashHeader = hashHeader;
    this.filters = List.copyOf(filters);
    this.config = config;
    this.clock = clock;
    this.policyName = policy.name();
    this.loadBalancer = policy.newLoadBalancer(this);
  }

  synchronized void attach(Discovery running) {
    if (closed) {
      running.close();
    } else {
      this.discovery = running;
    }
  }

  @Override
  public String serviceName() {
    return name;
  }

  @Override
  public ServiceConfig config() {
    return config;
  }

  @Override
  public MeshClock clock() {
    return clock;
  }

  /** The request header whose value is the hash key for consistent-hash policies, or null. */
  public String hashHeader() {
    return hashHeader;
  }

  public String policyName() {
    return policyName;
  }

  @Override
  public void updatePicker(Picker next) {
    this.picker = next;
  }

  public PickResult pick(PickRequest request) {
    return picker.pick(request);
  }

  /** Waits until discovery has answered once (endpoints or an error), at most the given time. */
  public boolean awaitFirstAnswer(long timeoutNanos) throws InterruptedException {
    return firstAnswer.await(timeoutNanos, TimeUnit.NANOSECONDS);
  }

  /** The discovery error that left this service with no endpoint list at all, or null. */
  public Throwable discoveryError() {
    return errorWithoutEndpoints;
  }

  @Override
  public synchronized void onEndpoints(List<Endpoint> endpoints) {
    if (closed) {
      return;
    }
    List<Endpoint> snapshot = List.copyOf(endpoints);
    lastUpdateNanos = clock.nanoTime();
    if (lastError != null) {
      log.info("discovery for service '{}' recovered: {} endpoints", name, snapshot.size());
    }
    lastError = null;
    errorWithoutEndpoints = null;
    if (!snapshot.equals(lastGood)) {
      lastGood = snapshot;
      log.debug("service '{}' endpoints: {}", name, snapshot);
      if (snapshot.isEmpty()) {
        log.warn("service '{}' has no endpoints: its requests will fail", name);
      }
      applyFilters();
    }
    firstAnswer.countDown();
  }

  /** Re-runs the endpoint filters on the last discovered list (a verdict changed). */
  public synchronized void refresh() {
    if (!closed && lastGood != null) {
      applyFilters();
    }
  }

  /** A snapshot of what this route knows, for metrics. */
  public synchronized DiscoveryStatus status() {
    return new DiscoveryStatus(
        name,
        lastGood == null ? List.of() : lastGood,
        lastEligible == null ? List.of() : lastEligible,
        lastUpdateNanos,
        lastError);
  }

  private void applyFilters() {
    List<Endpoint> eligible = lastGood;
    for (EndpointFilter filter : filters) {
      try {
        eligible = List.copyOf(filter.filter(name, eligible));
      } catch (RuntimeException e) {
        log.error("endpoint filter {} failed for service '{}'; ignoring it", filter, name, e);
      }
    }
    if (eligible.equals(lastEligible)) {
      return;
    }
    lastEligible = eligible;
    try {
      loadBalancer.updateEndpoints(eligible);
    } catch (RuntimeException e) {
      log.error("load balancer '{}' of service '{}' rejected an update", policyName, name, e);
    }
  }

  @Override
  public synchronized void onError(Throwable error) {
    if (closed) {
      return;
    }
    if (lastError == null || !String.valueOf(lastError).equals(String.valueOf(error))) {
      if (lastGood != null) {
        log.warn(
            "discovery for service '{}' failed, keeping the last {} endpoints: {}",
            name,
            lastGood.size(),
            error.toString());
      } else {
        log.warn("discovery for service '{}' failed and has no endpoints yet: {}", name, error.toString());
      }
    }
    lastError = error;
    lastUpdateNanos = clock.nanoTime();
    if (lastGood == null) {
      errorWithoutEndpoints = error;
    }
    firstAnswer.countDown();
  }

  @Override
  public void close() {
    Discovery running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      running = discovery;
      discovery = null;
    }
    try {
      if (running != null) {
        running.close();
      }
    } finally {
      loadBalancer.close();
    }
  }
}
