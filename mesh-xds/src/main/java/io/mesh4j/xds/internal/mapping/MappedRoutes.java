package io.mesh4j.xds.internal.mapping;

import java.util.List;
import java.util.Set;

/**
 * A RouteConfiguration as a route table.
 *
 * @param table the table to match requests with; usable only when {@code errors} is empty
 * @param clusters every cluster a route of the table may send to, in the order first named
 * @param errors "field.path: what is wrong"; not empty means the configuration must be NACKed
 */
public record MappedRoutes(XdsRouteTable table, Set<String> clusters, List<String> errors) {

  public MappedRoutes {
    clusters = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(clusters));
    errors = List.copyOf(errors);
  }

  public boolean valid() {
    return errors.isEmpty();
  }
}
