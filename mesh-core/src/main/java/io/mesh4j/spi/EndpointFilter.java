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
}
