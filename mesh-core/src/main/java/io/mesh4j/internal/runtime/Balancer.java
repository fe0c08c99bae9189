package io.mesh4j.internal.runtime;

import io.mesh4j.discovery.Locality;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.MeshLoadBalancers;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import io.mesh4j.time.MeshClock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One load-balancing policy instance of one service and the picker it last published: what a
 * request's snapshot picks from. A policy switch creates a new one; the old one keeps its last
 * picker for the requests that started on it.
 */
final class Balancer implements LoadBalancerContext {

  private static final Logger log = LoggerFactory.getLogger(Balancer.class);
  private static final Picker PENDING = request -> PickResult.noEndpointYet();

  private final String service;
  private final String policyName;
  private final RouteContext context;
  private final Consumer<Balancer> onFirstPicker;
  private final LoadBalancer loadBalancer;
  private volatile Picker picker = PENDING;
  private volatile boolean published;
  private final java.util.concurrent.CountDownLatch firstPicker = new java.util.concurrent.CountDownLatch(1);
  private volatile boolean closed;

  /** @param onFirstPicker told once, when the policy publishes its first picker (it is then ready) */
  Balancer(String service, LoadBalancerProvider policy, RouteContext context, Consumer<Balancer> onFirstPicker) {
    this.service = service;
    this.policyName = policy.name();
    this.context = context;
    this.onFirstPicker = onFirstPicker;
    // priorities and zones around slow start around the policy (MeshLoadBalancers.wrap)
    this.loadBalancer = MeshLoadBalancers.wrap(policy, this);
  }

  String policyName() {
    return policyName;
  }

  PickResult pick(PickRequest request) {
    return picker.pick(request);
  }

  boolean isReady() {
    return published;
  }

  /** Waits until the policy has published a picker (or is closed), at most the given time. */
  void awaitReady(long timeoutNanos) throws InterruptedException {
    firstPicker.await(timeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  boolean isClosed() {
    return closed;
  }

  /** Hands the policy an update; a policy that throws keeps its previous picker. */
  void update(LoadBalancerUpdate update) {
    if (closed) {
      return;
    }
    try {
      loadBalancer.update(update);
    } catch (RuntimeException e) {
      log.error("load balancer '{}' of service '{}' rejected an update; it keeps its previous picker",
          policyName, service, e);
    }
  }

  @Override
  public String serviceName() {
    return service;
  }

  @Override
  public MeshClock clock() {
    return context.clock();
  }

  @Override
  public Locality locality() {
    return context.locality();
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return context.scheduler();
  }

  @Override
  public void updatePicker(Picker next) {
    if (closed) {
      return; // a late timer of a replaced policy: requests on its snapshot keep the last picker
    }
    picker = java.util.Objects.requireNonNull(next, "picker");
    if (!published) {
      published = true;
      firstPicker.countDown();
      onFirstPicker.accept(this);
    }
  }

  @Override
  public Optional<LoadBalancerProvider> policy(String name) {
    return context.plugins().policy(name);
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    firstPicker.countDown();
    try {
      loadBalancer.close();
    } catch (RuntimeException e) {
      log.warn("closing load balancer '{}' of service '{}' failed", policyName, service, e);
    }
  }
}
