package io.mesh4j.resilience.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.mesh4j.event.CircuitState;

/** Maps resilience4j's states onto core's {@link CircuitState}, keeping r4j out of the API. */
final class CircuitStates {

  private CircuitStates() {}

  static CircuitState of(CircuitBreaker.State state) {
    return switch (state) {
      case OPEN, FORCED_OPEN -> CircuitState.OPEN;
      case HALF_OPEN -> CircuitState.HALF_OPEN;
      case DISABLED -> CircuitState.DISABLED;
      default -> CircuitState.CLOSED;
    };
  }

  /** The state of a service's breaker, {@link CircuitState#DISABLED} when it has none. */
  static CircuitState of(CircuitBreaker breaker) {
    return breaker == null ? CircuitState.DISABLED : of(breaker.getState());
  }
}
