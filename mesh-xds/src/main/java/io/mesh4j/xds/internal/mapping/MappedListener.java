package io.mesh4j.xds.internal.mapping;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;

/**
 * An API listener's HttpConnectionManager: where its routes come from.
 *
 * @param routeConfigName the RouteConfiguration to subscribe to in RDS, or null when inline
 * @param inlineRoutes the inline route_config, or null when from RDS
 * @param errors "field.path: what is wrong"; not empty means the listener must be NACKed
 */
public record MappedListener(String routeConfigName, RouteConfiguration inlineRoutes, List<String> errors) {

  public MappedListener {
    errors = List.copyOf(errors);
  }

  public boolean valid() {
    return errors.isEmpty();
  }
}
