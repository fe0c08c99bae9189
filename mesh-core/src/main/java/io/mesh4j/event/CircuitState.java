package io.mesh4j.event;

/** The state of a service's circuit breaker. */
public enum CircuitState {
  /** Requests flow; failures are counted. */
  CLOSED,
  /** Requests fail fast without touching the network. */
  OPEN,
  /** A few trial requests decide between closing and opening again. */
  HALF_OPEN,
  /** The service has no circuit breaker ({@code circuit-breaker.enabled=false}). */
  DISABLED
}
