package io.mesh4j.resilience;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.event.CircuitState;
import java.util.Set;

/**
 * The resilience state of one service at one moment. Immutable.
 *
 * @param service the logical service name
 * @param circuitState the circuit breaker's state ({@link CircuitState#DISABLED} without one)
 * @param ejected endpoints ejected by outlier detection now
 * @param unhealthy endpoints failing active health checks now
 * @param panic true while balancing over all endpoints because too few are healthy
 */
public record ServiceResilienceSnapshot(
    String service, CircuitState circuitState, Set<Endpoint> ejected, Set<Endpoint> unhealthy, boolean panic) {

  public ServiceResilienceSnapshot {
    ejected = Set.copyOf(ejected);
    unhealthy = Set.copyOf(unhealthy);
  }
}
