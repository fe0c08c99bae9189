package io.mesh4j.resilience;

/** The state of a service's circuit breaker. */
public enum CircuitState {
  /** Requests flow; outcomes are recorded. */
  CLOSED,
  /** Requests fail fast with {@link CircuitBreakerOpenException}. */
  OPEN,
  /** A few trial requests decide whether to close again or reopen. */
  HALF_OPEN,
  /** {@code circuit-breaker.enabled=false}: nothing is recorded or refused. */
  DISABLED
}
