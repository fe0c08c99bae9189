package io.mesh4j.xds.internal.mapping;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A CDS cluster as the mesh understands it.
 *
 * @param name the cluster's name
 * @param edsServiceName the name to subscribe to in EDS: {@code eds_cluster_config.service_name},
 *     else the cluster's name
 * @param serviceKeys service-relative mesh keys ({@code lb -> ring-hash}, {@code tls.mode -> strict}),
 *     in a stable order; complete only when {@code errors} is empty
 * @param errors "field.path: what is wrong"; not empty means the cluster must be NACKed
 */
public record MappedCluster(String name, String edsServiceName, Map<String, String> serviceKeys, List<String> errors) {

  public MappedCluster {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(edsServiceName, "edsServiceName");
    serviceKeys = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(serviceKeys));
    errors = List.copyOf(errors);
  }

  public boolean valid() {
    return errors.isEmpty();
  }
}
