package io.mesh4j.resilience;

import io.mesh4j.discovery.Endpoint;
import java.time.Duration;
import java.util.Objects;

/**
 * Something the resilience module did or saw, for listeners, metrics and logs. The typed fields
 * say what a program needs to know without reading {@link #detail()}, which is for people; each
 * is set only for the event types its description names (null or 0 otherwise).
 *
 * @param type what happened
 * @param service the logical service name
 * @param endpoint the endpoint concerned, or null for service-wide events
 * @param detail a short human-readable detail (new circuit state, reason, ejection time)
 * @param from {@link Type#CIRCUIT_STATE_CHANGED}: the state the circuit left
 * @param to {@link Type#CIRCUIT_STATE_CHANGED}: the state the circuit entered; {@link
 *     Type#CIRCUIT_REJECTED}: the state that refused the request
 * @param attempt {@link Type#RETRY}: the number of the attempt about to be made (2 for the first
 *     retry)
 * @param ejectionTime {@link Type#ENDPOINT_EJECTED}: how long the endpoint stays out
 */
public record ResilienceEvent(
    Type type,
    String service,
    Endpoint endpoint,
    String detail,
    CircuitState from,
    CircuitState to,
    int attempt,
    Duration ejectionTime) {

  /** The kinds of events. */
  public enum Type {
    /** The circuit breaker changed state: {@link #from()}, {@link #to()}; detail is {@code FROM -> TO}. */
    CIRCUIT_STATE_CHANGED,
    /** The circuit breaker refused a request while in state {@link #to()}. */
    CIRCUIT_REJECTED,
    /** The bulkhead refused a request. */
    BULKHEAD_FULL,
    /** A request is being retried with attempt number {@link #attempt()}; detail says why. */
    RETRY,
    /** A retry was wanted but the service's retry budget was spent. */
    RETRY_BUDGET_EXHAUSTED,
    /** Passive outlier detection ejected an endpoint for {@link #ejectionTime()}. */
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
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must be >= 0: " + attempt);
    }
  }

  /** An event without typed fields (the constructor of earlier versions). */
  public ResilienceEvent(Type type, String service, Endpoint endpoint, String detail) {
    this(type, service, endpoint, detail, null, null, 0, null);
  }

  /** {@link Type#CIRCUIT_STATE_CHANGED} from one state to another. */
  public static ResilienceEvent circuitStateChanged(String service, CircuitState from, CircuitState to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    return new ResilienceEvent(Type.CIRCUIT_STATE_CHANGED, service, null, from + " -> " + to, from, to, 0, null);
  }

  /** {@link Type#CIRCUIT_REJECTED} by a circuit in {@code state}. */
  public static ResilienceEvent circuitRejected(String service, CircuitState state) {
    Objects.requireNonNull(state, "state");
    return new ResilienceEvent(Type.CIRCUIT_REJECTED, service, null, state.name(), null, state, 0, null);
  }

  /**
   * {@link Type#RETRY}: attempt number {@code attempt} is about to go after {@code backoff}, because
   * of {@code reason} on {@code endpoint} (the endpoint of the attempt that failed, or null).
   */
  public static ResilienceEvent retry(String service, Endpoint endpoint, String reason, int attempt, Duration backoff) {
    if (attempt < 2) {
      throw new IllegalArgumentException("a retry is attempt 2 or later: " + attempt);
    }
    String detail = reason + ", attempt " + attempt + " after " + backoff.toMillis() + "ms";
    return new ResilienceEvent(Type.RETRY, service, endpoint, detail, null, null, attempt, null);
  }

  /** {@link Type#ENDPOINT_EJECTED} for {@code ejectionTime}, after {@code failures} failures in a row. */
  public static ResilienceEvent endpointEjected(String service, Endpoint endpoint, int failures, Duration ejectionTime) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(ejectionTime, "ejectionTime");
    String detail = "after " + failures + " consecutive failures, for " + ejectionTime.toMillis() + "ms";
    return new ResilienceEvent(Type.ENDPOINT_EJECTED, service, endpoint, detail, null, null, 0, ejectionTime);
  }

  /** The log line: {@code TYPE service [endpoint]: detail} (the detail already spells out the typed fields). */
  @Override
  public String toString() {
    return type + " " + service + (endpoint != null ? " " + endpoint.authority() : "")
        + (detail.isEmpty() ? "" : ": " + detail);
  }
}
