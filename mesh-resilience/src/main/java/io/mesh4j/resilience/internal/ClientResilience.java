package io.mesh4j.resilience.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.resilience.ServiceResilienceSnapshot;
import io.mesh4j.spi.EndpointFilter;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.ResponseClassifier;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mesh-resilience in one mesh client: the per-service state, following the mesh's services as they
 * are added, updated and removed; the stages (deadline → bulkhead → circuit breaker → retry →
 * deadline header → outlier feedback), the endpoint filter and the connection marker. Owns the
 * health-check client, created when a service first needs it. The public face of it is {@link
 * io.mesh4j.resilience.ResilienceExtension}.
 */
public final class ClientResilience implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClientResilience.class);

  /** Each service's current state, swapped whole on a change; stages read it per request. */
  private final Map<String, ServiceResilience> services = new ConcurrentHashMap<>();
  private final MeshContext context;
  private final ServiceParts parts;
  private final List<MeshStage> stages;
  private final EndpointFilter filter;
  private HealthCheckClient healthCheckClient; // guarded by this
  private boolean closed; // guarded by this

  public ClientResilience(MeshContext context) {
    this.context = context;
    ResilienceEvents events = new ResilienceEvents(context.events());
    this.parts = new ServiceParts(context, events, this::healthCheckClient, this::isCurrent);
    this.stages =
        List.of(
            new DeadlineStage(),
            new BulkheadStage(services, events),
            new CircuitBreakerStage(services, events, context.clock()),
            new RetryStage(services, events, context.clock(), context.scheduler()),
            new DeadlineHeaderStage(),
            new OutlierFeedbackStage(services));
    this.filter = new EndpointHealthFilter(services);
  }

  public List<MeshStage> stages() {
    return stages;
  }

  public List<EndpointFilter> endpointFilters() {
    return List.of(filter);
  }

  /**
   * The statuses each service counts as failures ({@code circuit-breaker.failure-statuses}), for
   * the load balancer's trackers too: one map lookup and a bit test per attempt.
   */
  public ResponseClassifier responseClassifier() {
    return (service, status) -> {
      ServiceResilience s = services.get(service);
      return s == null ? status >= 500 : s.failureStatuses().contains(status);
    };
  }

  public List<Interceptor> networkInterceptors() {
    return List.of(new ConnectionMarker());
  }

  /** A service became a mesh route; a failure leaves nothing of it running (the change is refused). */
  public void serviceAdded(ServiceConfig config) {
    ServiceResilience previous = services.put(config.name(), ServiceResilience.create(config, parts));
    if (previous != null) { // not expected: the mesh removes a service before adding it again
      previous.close();
    }
  }

  /** Keeps what still holds of the service's state, rebuilds the rest. */
  public void serviceUpdated(ServiceConfig current) {
    // The mesh serializes service changes, so get-then-put cannot lose one; and unlike compute()
    // it publishes the events of the update (a circuit switched off) outside the map's lock.
    ServiceResilience running = services.get(current.name());
    services.put(current.name(), running == null ? ServiceResilience.create(current, parts) : running.updated(current));
    // The filter's verdicts may have changed (health checks switched off, a new panic threshold).
    context.refreshEndpoints(current.name());
  }

  /** Releases the service's timers and probes; requests still under way finish without them. */
  public void serviceRemoved(ServiceConfig last) {
    ServiceResilience removed = services.remove(last.name());
    if (removed != null) {
      removed.close();
    }
  }

  /** The state of one service now, if the mesh routes it. */
  public Optional<ServiceResilienceSnapshot> snapshot(String service) {
    return Optional.ofNullable(services.get(service)).map(ServiceResilience::snapshot);
  }

  private boolean isCurrent(String service, CircuitBreaker breaker) {
    ServiceResilience s = services.get(service);
    return s != null && s.circuitBreaker() == breaker;
  }

  private synchronized HealthCheckClient healthCheckClient() {
    if (closed) {
      throw new IllegalStateException("mesh-resilience is closed");
    }
    if (healthCheckClient == null) {
      healthCheckClient = new HealthCheckClient(context);
      log.debug("health-check client started");
    }
    return healthCheckClient;
  }

  @Override
  public void close() {
    HealthCheckClient client;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      client = healthCheckClient;
    }
    services.values().forEach(ServiceResilience::close);
    services.clear();
    if (client != null) {
      client.close();
    }
  }
}
