package io.mesh4j.spi;

import io.mesh4j.discovery.Endpoint;
import java.util.List;

/**
 * Decides which of a service's discovered endpoints may take traffic (outlier ejection, active
 * health checks). Called, serialized per service, with every discovery snapshot and whenever the
 * module asks for it with {@link MeshContext#refreshEndpoints(String)}; the load balancer then
 * receives the result. Must be quick and never block. Returning every endpoint is how a filter
 * says "panic": balance over all rather than fail all.
 */
@FunctionalInterface
public interface EndpointFilter {

  /**
   * @param service the logical service name
   * @param discovered the complete list discovery reported last (after earlier filters)
   * @return the endpoints that may take traffic, a subset of {@code discovered}
   */
  List<Endpoint> filter(String service, List<Endpoint> discovered);

  /**
   * The percentage of a priority's endpoints that must be healthy for it to balance over the healthy
   * ones only: Envoy's panic threshold. 0 (the default): this filter does not ask for panic, and
   * {@link #filter} may return every endpoint to say "panic" itself. Above 0, {@link #filter} returns
   * only the endpoints it judges healthy and the mesh applies panic itself, per priority, where it
   * knows the priorities and zones ({@link io.mesh4j.lb.PriorityLoad}); when several filters ask,
   * the highest threshold counts.
   */
  default int panicThreshold(String service) {
    return 0;
  }
}
