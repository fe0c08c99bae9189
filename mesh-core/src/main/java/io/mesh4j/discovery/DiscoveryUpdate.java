package io.mesh4j.discovery;

import java.util.List;
import java.util.Objects;

/**
 * One complete answer of a discovery source for one service: every endpoint it has now (possibly
 * none) and the service's attributes. Never a delta. Immutable.
 */
public record DiscoveryUpdate(List<Endpoint> endpoints, ServiceAttributes attributes) {

  public DiscoveryUpdate {
    endpoints = List.copyOf(endpoints);
    attributes = Objects.requireNonNullElse(attributes, ServiceAttributes.EMPTY);
  }

  /** Endpoints without service attributes. */
  public static DiscoveryUpdate of(List<Endpoint> endpoints) {
    return new DiscoveryUpdate(endpoints, ServiceAttributes.EMPTY);
  }
}
