package io.mesh4j.lb;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.ServiceAttributes;
import java.util.List;
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
 */
public record LoadBalancerUpdate(List<Endpoint> endpoints, ServiceConfig config, ServiceAttributes attributes) {

  public LoadBalancerUpdate {
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(config, "config");
    attributes = Objects.requireNonNullElse(attributes, ServiceAttributes.EMPTY);
  }

  /** The same endpoints and attributes with another configuration. */
  public LoadBalancerUpdate withConfig(ServiceConfig other) {
    return new LoadBalancerUpdate(endpoints, other, attributes);
  }

  /** The same config and attributes with other endpoints (for a parent policy feeding children). */
  public LoadBalancerUpdate withEndpoints(List<Endpoint> others) {
    return new LoadBalancerUpdate(others, config, attributes);
  }
}
