package io.mesh4j.xds.internal.mapping;

import io.mesh4j.discovery.Endpoint;
import java.util.List;

/**
 * A ClusterLoadAssignment as mesh endpoints.
 *
 * @param endpoints every endpoint, unhealthy and draining ones included (the mesh's balancers skip
 *     them as Envoy does, unless nothing else is left)
 * @param errors "field.path: what is wrong"; not empty means the assignment must be NACKed
 */
public record MappedEndpoints(List<Endpoint> endpoints, List<String> errors) {

  public MappedEndpoints {
    endpoints = List.copyOf(endpoints);
    errors = List.copyOf(errors);
  }

  public boolean valid() {
    return errors.isEmpty();
  }
}
