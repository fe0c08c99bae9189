package io.mesh4j.resilience;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.resilience.internal.ClientResilience;
import io.mesh4j.spi.EndpointFilter;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.ResponseClassifier;
import java.util.List;
import java.util.Optional;
import okhttp3.Interceptor;

/**
 * mesh-resilience running in one {@link io.mesh4j.MeshClient}. It follows the client's services as
 * they are added, reconfigured and removed, and publishes what it does on the client's event bus
 * ({@code mesh.events()}, {@code MeshContext.events()}) as the core records of {@code
 * io.mesh4j.event}: {@code CircuitStateChanged}, {@code CircuitRejected}, {@code BulkheadFull},
 * {@code RetryScheduled}, {@code RetryDenied}, {@code HedgeSent}, {@code HedgeWon}, {@code EndpointEjected}, {@code
 * EndpointReadmitted}, {@code EndpointHealthChanged}, {@code PanicModeChanged}.
 *
 * <p>Public so that a service's state can be read: {@code
 * mesh.extension(ResilienceExtension.class).orElseThrow().snapshot("orders")}.
 */
public final class ResilienceExtension implements MeshExtension {

  private final ClientResilience resilience;

  private final ResponseClassifier classifier;

  ResilienceExtension(ClientResilience resilience) {
    this.resilience = resilience;
    this.classifier = resilience.responseClassifier();
  }

  /** The state of one service now; empty for a service the client does not route (now), or once closed. */
  public Optional<ServiceResilienceSnapshot> snapshot(String service) {
    return resilience.snapshot(service);
  }

  @Override
  public List<MeshStage> stages() {
    return resilience.stages();
  }

  /** The load balancer counts failures as the circuit breaker does ({@code circuit-breaker.failure-statuses}). */
  @Override
  public Optional<ResponseClassifier> responseClassifier() {
    return Optional.of(classifier);
  }

  @Override
  public List<EndpointFilter> endpointFilters() {
    return resilience.endpointFilters();
  }

  @Override
  public List<Interceptor> networkInterceptors() {
    return resilience.networkInterceptors();
  }

  @Override
  public void onServiceAdded(ServiceConfig service) {
    resilience.serviceAdded(service);
  }

  @Override
  public void onServiceUpdated(ServiceConfig previous, ServiceConfig current) {
    resilience.serviceUpdated(current);
  }

  @Override
  public void onServiceRemoved(ServiceConfig last) {
    resilience.serviceRemoved(last);
  }

  @Override
  public void close() {
    resilience.close();
  }
}
