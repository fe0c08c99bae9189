package io.mesh4j.resilience;

import io.mesh4j.discovery.Endpoint;
import java.util.Objects;

/**
 * Something the resilience module did or saw, for listeners, metrics and logs.
 *
 * @param type what happened
 * @param service the logical service name
 * @param endpoint the endpoint concerned, or null for service-wide events
 * @param detail a short human-readable detail (new circuit state, reason, ejection time)
 */
public record ResilienceEvent(Type type, String service, Endpoint endpoint, String detail) {

  /** The kinds of events. */
  public enum Type {
    /** The circuit breaker changed state; detail is {@code FROM -> TO}. */
    CIRCUIT_STATE_CHANGED,
    /** The circuit breaker refused a request. */
    CIRCUIT_REJECTED,
    /** The bulkhead refused a request. */
    BULKHEAD_FULL,
    /** A request is being retried; detail says why and which attempt comes next. */
    RETRY,
    /** A retry was wanted but the service's retry budget was spent. */
    RETRY_BUDGET_EXHAUSTED,
    /** Passive outlier detection ejected an endpoint; detail has the ejection time. */
    ENDPOINT_EJECTED,
    /** An ejected endpoint's time passed and it takes traffic again. */
    ENDPOINT_READMITTED,
    /** Active health checks marked an endpoint unhealthy. */
    ENDPOINT_UNHEALTHY,
    /** Active health checks marked an endpoint healthy again. */
    ENDPOINT_HEALTHY,
    /** Too few healthy endpoints: balancing over all of them. */
    PANIC_ENTERED,
    /** Enough healthy endpoints again. */
    PANIC_EXITED
  }

  public ResilienceEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(service, "service");
    detail = detail == null ? "" : detail;
  }

  @Override
  public String toString() {
    return type + " " + service + (endpoint != null ? " " + endpoint.authority() : "")
        + (detail.isEmpty() ? "" : ": " + detail);
  }
}
