package io.mesh4j.discovery;

import java.util.List;
import java.util.Objects;

/**
 * One complete answer of a discovery source for one service: every endpoint it has now (possibly
 * none) and the service's attributes. Never a delta. Immutable.
 *
 * @param authoritative true when the source is sure of an empty answer (a configuration that lists
 *     no endpoint, a service the backend says was deleted): it applies at once. An empty answer
 *     that is not authoritative (every key gone, every record expired: maybe a glitch of the
 *     backend) is held back for {@code discovery.empty-grace} while the last endpoints keep serving.
 *     Non-empty answers always apply at once.
 */
public record DiscoveryUpdate(List<Endpoint> endpoints, ServiceAttributes attributes, boolean authoritative) {

  public DiscoveryUpdate {
    endpoints = List.copyOf(endpoints);
    attributes = Objects.requireNonNullElse(attributes, ServiceAttributes.EMPTY);
  }

  /** An answer that is not authoritative. */
  public DiscoveryUpdate(List<Endpoint> endpoints, ServiceAttributes attributes) {
    this(endpoints, attributes, false);
  }

  /** Endpoints without service attributes. */
  public static DiscoveryUpdate of(List<Endpoint> endpoints) {
    return new DiscoveryUpdate(endpoints, ServiceAttributes.EMPTY);
  }

  /** This answer, marked authoritative: an empty list applies at once. */
  public DiscoveryUpdate asAuthoritative() {
    return new DiscoveryUpdate(endpoints, attributes, true);
  }
}
