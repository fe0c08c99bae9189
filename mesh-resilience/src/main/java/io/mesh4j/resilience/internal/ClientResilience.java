package io.mesh4j.resilience.internal;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.resilience.ServiceResilienceSnapshot;
import io.mesh4j.spi.EndpointFilter;
import io.mesh4j.spi.MeshContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.Interceptor;

/**
 * mesh-resilience in one mesh client: per-service state, the stages (deadline → bulkhead →
 * circuit breaker → retry → deadline header → outlier feedback), the endpoint filter and the
 * connection marker. Owns the health-check client, created only if some service needs it. The
 * public face of it is {@link io.mesh4j.resilience.ResilienceExtension}.
 */
public final class ClientResilience implements AutoCloseable {

  private final Map<String, ServiceResilience> services;
  private final List<MeshStage> stages;
  private final EndpointFilter filter;
  private HealthCheckClient healthCheckClient; // created on first need, during construction
  private volatile boolean closed;

  public ClientResilience(MeshContext context, EventDispatcher events) {
    Map<String, ServiceResilience> byName = new LinkedHashMap<>();
    try {
      for (ServiceConfig service : context.config().services().values()) {
        byName.put(service.name(), ServiceResilience.create(service, context, events, () -> healthClient(context)));
      }
    } catch (RuntimeException e) {
      byName.values().forEach(ServiceResilience::close);
      if (healthCheckClient != null) {
        healthCheckClient.close();
      }
      throw e;
    }
    this.services = Map.copyOf(byName);
    this.stages =
        List.of(
            new DeadlineStage(context.scheduler(), context.clock()),
            new BulkheadStage(services),
            new CircuitBreakerStage(services, context.clock()),
            new RetryStage(services),
            new DeadlineHeaderStage(),
            new OutlierFeedbackStage(services));
    this.filter = new EndpointHealthFilter(services);
  }

  private HealthCheckClient healthClient(MeshContext context) {
    if (healthCheckClient == null) {
      healthCheckClient = new HealthCheckClient(context);
    }
    return healthCheckClient;
  }

  public List<MeshStage> stages() {
    return stages;
  }

  public List<EndpointFilter> endpointFilters() {
    return List.of(filter);
  }

  public List<Interceptor> networkInterceptors() {
    return List.of(new ConnectionMarker());
  }

  /** The state of one service now, if this client has it. */
  public Optional<ServiceResilienceSnapshot> snapshot(String service) {
    ServiceResilience s = services.get(service);
    return s == null || closed ? Optional.empty() : Optional.of(s.snapshot());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    services.values().forEach(ServiceResilience::close);
    if (healthCheckClient != null) {
      healthCheckClient.close();
    }
  }
}
