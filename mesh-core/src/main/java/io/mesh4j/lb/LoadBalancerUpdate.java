package io.mesh4j.lb;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.ServiceAttributes;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link LoadBalancer} balances over now (gRPC's {@code ResolvedAddresses}): the endpoints
 * eligible for traffic, the service's configuration (its {@code lb.*} keys may have changed since
 * the last update) and the attributes discovery reported; and, for policies that weigh health
 * (priorities, zones), the endpoints left out and the panic settings. Immutable.
 *
 * @param endpoints the complete, possibly empty list of eligible endpoints: source health and the
 *     mesh's filters (ejection, health checks) already applied; each carries its weight, locality,
 *     priority and metadata
 * @param config the service's configuration now
 * @param attributes the service's attributes from discovery
 * @param excluded the other endpoints discovery reported: draining or unhealthy at the source,
 *     ejected by outlier detection, failing health checks. With {@code endpoints}, the whole list;
 *     a policy weighs the healthy share of a priority or a zone with it. Never picked unless the
 *     policy decides to panic
 * @param panicThreshold percent (0 to 100): when fewer of a priority's endpoints are eligible and
 *     the priorities together lack healthy capacity, that priority balances over all its endpoints
 *     (Envoy's panic threshold; {@link PriorityLoad}). 0: never. Set by the module that judges
 *     health (mesh-resilience's {@code outlier-detection.panic-threshold})
 * @param panic true when {@code endpoints} already includes endpoints judged unhealthy because too
 *     few were healthy: a policy should then not route by health (zone-aware routing spreads)
 * @param weights weights to balance with instead of the endpoints' own, by {@link
 *     Endpoint#authority()}: set by a parent policy such as slow start ({@link
 *     SlowStartLoadBalancer}) while it ramps endpoints up; usually empty. Read them with {@link
 *     #weight(Endpoint)}
 */
public record LoadBalancerUpdate(
    List<Endpoint> endpoints,
    ServiceConfig config,
    ServiceAttributes attributes,
    List<Endpoint> excluded,
    int panicThreshold,
    boolean panic,
    Map<String, Integer> weights) {

  public LoadBalancerUpdate {
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(config, "config");
    attributes = Objects.requireNonNullElse(attributes, ServiceAttributes.EMPTY);
    excluded = excluded == null ? List.of() : List.copyOf(excluded);
    if (panicThreshold < 0 || panicThreshold > 100) {
      throw new IllegalArgumentException("panicThreshold " + panicThreshold + " (expected: 0..100)");
    }
    weights = weights == null ? Map.of() : Map.copyOf(weights);
    for (Integer w : weights.values()) {
      if (w < 1) {
        throw new IllegalArgumentException("weight " + w + " (expected: >= 1)");
      }
    }
  }

  /** Eligible endpoints only, balanced by their own weights: nothing excluded, no panic. */
  public LoadBalancerUpdate(List<Endpoint> endpoints, ServiceConfig config, ServiceAttributes attributes) {
    this(endpoints, config, attributes, List.of(), 0, false, Map.of());
  }

  /** Endpoints split by health, balanced by their own weights. */
  public LoadBalancerUpdate(
      List<Endpoint> endpoints,
      ServiceConfig config,
      ServiceAttributes attributes,
      List<Endpoint> excluded,
      int panicThreshold,
      boolean panic) {
    this(endpoints, config, attributes, excluded, panicThreshold, panic, Map.of());
  }

  /**
   * The weight to balance {@code endpoint} with: its own, unless a parent policy set another for
   * now. A policy that {@linkplain LoadBalancerProvider#supportsSlowStart() supports slow start}
   * reads weights here, never from {@link Endpoint#weight()}.
   */
  public int weight(Endpoint endpoint) {
    Integer w = weights.isEmpty() ? null : weights.get(endpoint.authority());
    return w != null ? w : endpoint.weight();
  }

  /** {@link #weight} of each of {@code some}, in order: a picker's weight array. */
  public int[] weightsOf(List<Endpoint> some) {
    int[] out = new int[some.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = weight(some.get(i));
    }
    return out;
  }

  /** The same endpoints, attributes, health and weights with another configuration. */
  public LoadBalancerUpdate withConfig(ServiceConfig other) {
    return new LoadBalancerUpdate(endpoints, other, attributes, excluded, panicThreshold, panic, weights);
  }

  /**
   * The same config, attributes, panic settings and weights with other endpoints and nothing
   * excluded (for a parent policy feeding children).
   */
  public LoadBalancerUpdate withEndpoints(List<Endpoint> others) {
    return new LoadBalancerUpdate(others, config, attributes, List.of(), panicThreshold, panic, weights);
  }

  /** The same config, attributes, panic threshold and weights with another split of a group of endpoints. */
  public LoadBalancerUpdate withEndpoints(List<Endpoint> others, List<Endpoint> othersExcluded, boolean inPanic) {
    return new LoadBalancerUpdate(others, config, attributes, othersExcluded, panicThreshold, inPanic, weights);
  }

  /** The same update balanced with other weights, by authority (empty: the endpoints' own). */
  public LoadBalancerUpdate withWeights(Map<String, Integer> others) {
    return new LoadBalancerUpdate(endpoints, config, attributes, excluded, panicThreshold, panic, others);
  }
}
