package io.mesh4j.tracing.internal;

import io.mesh4j.event.CircuitRejected;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.tracing.MeshAttributes;
import io.opentelemetry.api.trace.Span;
import java.util.Locale;

/**
 * Puts the circuit state that refused a request on the request's logical span. The circuit breaker
 * publishes {@link CircuitRejected} synchronously on the request's thread, inside {@link
 * CallTracingStage}, whose {@link CallSpan} is then current; events from anywhere else find none.
 */
final class CircuitRejectionRecorder implements AutoCloseable {

  private final MeshEvents.Subscription subscription;

  CircuitRejectionRecorder(MeshEvents events) {
    subscription = events.subscribe(CircuitRejected.class, CircuitRejectionRecorder::record);
  }

  private static void record(CircuitRejected rejected) {
    if (rejected.service() == null || rejected.state() == null) {
      return;
    }
    Span span = CallSpan.current(rejected.service());
    if (span != null) {
      span.setAttribute(MeshAttributes.CIRCUIT_STATE, rejected.state().name().toLowerCase(Locale.ROOT));
    }
  }

  @Override
  public void close() {
    subscription.close();
  }
}
