package io.mesh4j.resilience;

import io.mesh4j.event.CircuitState;
import java.io.IOException;

/**
 * The service's circuit breaker refused the request without touching the network: too many recent
 * requests failed (or were slow), so the mesh fails fast until {@code circuit-breaker.open-duration}
 * has passed and trial requests succeed.
 */
public final class CircuitBreakerOpenException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String service;
  private final CircuitState state;

  public CircuitBreakerOpenException(String service, CircuitState state) {
    super(
        "circuit breaker of service '"
            + service
            + "' is "
            + state
            + ": request not sent (mesh.services."
            + service
            + ".circuit-breaker.*)");
    this.service = service;
    this.state = state;
  }

  public String service() {
    return service;
  }

  /** {@link CircuitState#OPEN}, or {@link CircuitState#HALF_OPEN} when its trial calls are taken. */
  public CircuitState state() {
    return state;
  }
}
