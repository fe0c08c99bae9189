package io.mesh4j.tracing;

import io.mesh4j.resilience.CircuitState;
import io.mesh4j.resilience.ResilienceEvent;
import io.mesh4j.resilience.ResilienceListener;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Metrics of mesh-resilience's events. mesh-tracing subscribes one to each client's {@link
 * io.mesh4j.resilience.ResilienceExtension} when mesh-resilience runs beside it (and closes it with
 * the client), so there is nothing to wire; create one yourself only to record the events of a
 * {@link io.mesh4j.resilience.ResilienceModule} with another OpenTelemetry instance. Needs
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
    return Attributes.of(MeshAttributes.SERVICE, service, MeshAttributes.CIRCUIT_STATE, state.name().toLowerCase(Locale.ROOT));
  }

  @Override
  public void onEvent(ResilienceEvent event) {
    Attributes service = Attributes.of(MeshAttributes.SERVICE, event.service());
    switch (event.type()) {
      case RETRY -> retries.add(1, service);
      case RETRY_BUDGET_EXHAUSTED -> budgetExhausted.add(1, service);
      case ENDPOINT_EJECTED -> ejections.add(1, service);
      case CIRCUIT_REJECTED -> rejections.add(1, service);
      case CIRCUIT_STATE_CHANGED -> {
        if (event.to() != null) { // null only for events built without typed fields
          circuits.put(event.service(), event.to());
        }
      }
      default -> {
        // health, panic and bulkhead events are logged by mesh-resilience; gauges of
        // mesh.service.endpoints already show their effect
      }
    }
  }

  /** Unregisters the circuit-state gauge. */
  @Override
  public void close() {
    circuitGauge.close();
  }
}
