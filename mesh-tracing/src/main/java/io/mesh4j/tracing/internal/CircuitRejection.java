package io.mesh4j.tracing.internal;

import io.mesh4j.resilience.CircuitBreakerOpenException;
import java.util.Locale;

/**
 * Reads the circuit state off a rejection by mesh-resilience. Only called after {@link
 * OptionalModules#RESILIENCE} said mesh-resilience is on the classpath, so mesh-tracing runs
 * without it.
 */
final class CircuitRejection {

  private CircuitRejection() {}

  /** The lower-case circuit state when {@code failure} is a circuit rejection, else null. */
  static String stateOf(Throwable failure) {
    return failure instanceof CircuitBreakerOpenException open ? open.state().name().toLowerCase(Locale.ROOT) : null;
  }
}
