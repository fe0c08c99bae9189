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
 * the last update) and the attributes discovery reported. Immutable.
 *
 * @param endpoints the complete, possibly empty list of eligible endpoints: source health and the
 *     mesh's filters (ejection, health checks) already applied; each carries its weight, locality,
 *     priority and metadata
 * @param config the service's configuration now
 * @param attributes the service's attributes from discovery
 * @param weights weights to balance with instead of the endpoints' own, by {@link
 *     Endpoint#authority()}: set by a parent policy such as slow start ({@link
 *     SlowStartLoadBalancer}) while it ramps endpoints up; usually empty. Read them with {@link
 *     #weight(Endpoint)}
 */
public record LoadBalancerUpdate(
    List<Endpoint> endpoints, ServiceConfig config, ServiceAttributes attributes, Map<String, Integer> weights) {

  public LoadBalancerUpdate {
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(config, "config");
    attributes = Objects.requireNonNullElse(attributes, ServiceAttributes.EMPTY);
    weights = Map.copyOf(weights);
    for (Integer w : weights.values()) {
      if (w < 1) {
        throw new IllegalArgumentException("weight " + w + " (expected: >= 1)");
      }
    }
  }

  /** An update whose endpoints are balanced by their own weights. */
  public LoadBalancerUpdate(List<Endpoint> endpoints, ServiceConfig config, ServiceAttributes attributes) {
    this(endpoints, config, attributes, Map.of());
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

  /** The same endpoints and attributes with another configuration. */
  public LoadBalancerUpdate withConfig(ServiceConfig other) {
    return new LoadBalancerUpdate(endpoints, other, attributes, weights);
  }

  /** The same config and attributes with other endpoints (for a parent policy feeding children). */
  public LoadBalancerUpdate withEndpoints(List<Endpoint> others) {
    return new LoadBalancerUpdate(others, config, attributes, weights);
  }

  /** The same update balanced with other weights, by authority (empty: the endpoints' own). */
  public LoadBalancerUpdate withWeights(Map<String, Integer> others) {
    return new LoadBalancerUpdate(endpoints, config, attributes, others);
  }
}
