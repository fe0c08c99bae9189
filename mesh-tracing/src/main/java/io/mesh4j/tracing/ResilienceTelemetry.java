package io.mesh4j.tracing;

import io.mesh4j.resilience.CircuitState;
import io.mesh4j.resilience.ResilienceEvent;
import io.mesh4j.resilience.ResilienceListener;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Metrics of mesh-resilience's events: add it as a listener of the module you give the builder
 * ({@code new ResilienceModule().addListener(telemetry)}) and close it with the mesh. Needs
 * io.mesh4j:mesh-resilience on the classpath (an optional dependency of mesh-tracing).
 */
public final class ResilienceTelemetry implements ResilienceListener, AutoCloseable {


  private final LongCounter retries;
  private final LongCounter budgetExhausted;
  private final LongCounter ejections;
  private final LongCounter rejections;
  private final Map<String, CircuitState> circuits = new ConcurrentHashMap<>();
  private final ObservableLongGauge circuitGauge;

  public ResilienceTelemetry(OpenTelemetry openTelemetry) {
    Meter meter = openTelemetry.getMeter(MeshTracing.INSTRUMENTATION_NAME);
    retries = counter(meter, "mesh.client.retries", "{retry}", "Retries the mesh decided to make.");
    budgetExhausted =
        counter(meter, "mesh.retry_budget.exhausted", "{retry}", "Retries not made because the retry budget was spent.");
    ejections =
        counter(meter, "mesh.outlier.ejections", "{ejection}", "Endpoints ejected by passive outlier detection.");
    rejections =
        counter(meter, "mesh.circuit_breaker.rejections", "{request}", "Requests refused by an open circuit breaker.");
    circuitGauge =
        meter
            .gaugeBuilder("mesh.circuit_breaker.state")
            .ofLongs()
            .setUnit("1")
            .setDescription("1 for the state each service's circuit breaker is in, 0 for the others; services appear after their first transition.")
            .buildWithCallback(
                m ->
                    circuits.forEach(
                        (service, current) -> {
                          for (CircuitState state : CircuitState.values()) {
                            m.record(state == current ? 1 : 0, circuitAttributes(service, state));
                          }
                        }));
  }

  private static LongCounter counter(Meter meter, String name, String unit, String description) {
    return meter.counterBuilder(name).setUnit(unit).setDescription(description).build();
  }

  private static Attributes circuitAttributes(String service, CircuitState state) {
    return Attributes.of(MeshAttributes.SERVICE, service, MeshAttributes.CIRCUIT_STATE, state.name().toLowerCase(java.util.Locale.ROOT));
  }

  @Override
  public void onEvent(ResilienceEvent event) {
    Attributes service = Attributes.of(MeshAttributes.SERVICE, event.service());
    switch (event.type()) {
      case RETRY -> retries.add(1, service);
      case RETRY_BUDGET_EXHAUSTED -> budgetExhausted.add(1, service);
      case ENDPOINT_EJECTED -> ejections.add(1, service);
      case CIRCUIT_REJECTED -> rejections.add(1, service);
      case CIRCUIT_STATE_CHANGED -> newState(event.detail()).ifPresent(s -> circuits.put(event.service(), s));
      default -> {
        // health, panic and bulkhead events are logged by mesh-resilience; gauges of
        // mesh.service.endpoints already show their effect
      }
    }
  }

  /** The state after a transition, from the event's {@code FROM -> TO} detail. */
  private static java.util.Optional<CircuitState> newState(String detail) {
    int arrow = detail.lastIndexOf("->");
    String to = (arrow >= 0 ? detail.substring(arrow + 2) : detail).trim();
    for (CircuitState state : CircuitState.values()) {
      if (state.name().equalsIgnoreCase(to)) {
        return java.util.Optional.of(state);
      }
    }
    return java.util.Optional.empty();
  }

  /** Unregisters the circuit-state gauge. */
  @Override
  public void close() {
    circuitGauge.close();
  }
}
