package io.mesh4j.xds.internal.provider;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.mesh4j.xds.internal.client.ResourceValidator;
import io.mesh4j.xds.internal.client.XdsResourceType;
import io.mesh4j.xds.internal.mapping.ClusterMapper;
import io.mesh4j.xds.internal.mapping.EndpointMapper;
import io.mesh4j.xds.internal.mapping.ListenerMapper;
import io.mesh4j.xds.internal.mapping.MappedListener;
import io.mesh4j.xds.internal.mapping.RouteMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The mappers as the ADS client's validators: a resource the mesh cannot map is NACKed whole. */
final class XdsValidators {

  static final String INLINE_ROUTES_FIELD = "api_listener.api_listener.route_config";

  private XdsValidators() {}

  static Map<XdsResourceType, ResourceValidator<?>> all() {
    return Map.of(
        XdsResourceType.LISTENER, (ResourceValidator<Listener>) XdsValidators::listener,
        XdsResourceType.ROUTE_CONFIGURATION,
            (ResourceValidator<RouteConfiguration>) rc -> RouteMapper.map(rc).errors(),
        XdsResourceType.CLUSTER, (ResourceValidator<Cluster>) c -> ClusterMapper.map(c).errors(),
        XdsResourceType.CLUSTER_LOAD_ASSIGNMENT,
            (ResourceValidator<ClusterLoadAssignment>) cla -> EndpointMapper.map(cla).errors());
  }

  /** The listener's own errors and those of its inline routes (the listener mapper does not map them). */
  static List<String> listener(Listener listener) {
    MappedListener mapped = ListenerMapper.map(listener);
    if (mapped.inlineRoutes() == null) {
      return mapped.errors();
    }
    List<String> errors = new ArrayList<>(mapped.errors());
    for (String e : RouteMapper.map(mapped.inlineRoutes()).errors()) {
      errors.add(INLINE_ROUTES_FIELD + "." + e);
    }
    return errors;
  }
}
