package io.mesh4j.xds.internal.mapping;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;
import java.util.Set;

/**
 * Maps an API listener (the form Istio serves proxyless clients: {@code api_listener} holding an
 * HttpConnectionManager) to where its routes come from, and checks its HTTP filters as gRPC does:
 * the router last, unknown filters refused unless optional.
 */
public final class ListenerMapper {

  static final String HCM = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
  static final String ROUTER = "envoy.extensions.filters.http.router.v3.Router";
  /** Istio puts it, empty, before the router of every proxyless listener. */
  static final String FAULT = "envoy.extensions.filters.http.fault.v3.HTTPFault";

  /**
   * Filters a client can skip without changing what the request does: CORS acts in browsers on
   * responses of servers, the others only observe (stats, Istio's telemetry and peer metadata).
   */
  static final Set<String> HARMLESS = Set.of(
      "envoy.extensions.filters.http.cors.v3.Cors",
      "envoy.extensions.filters.http.grpc_stats.v3.FilterConfig",
      "stats.PluginConfig",
      "io.istio.http.peer_metadata.Config",
      "istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig");

  private ListenerMapper() {}

  public static MappedListener map(Listener listener) {
    Errors errors = new Errors();
    if (listener.getName().isEmpty()) {
      errors.add("name", "is empty");
    }
    if (!listener.hasApiListener() || !listener.getApiListener().hasApiListener()) {
      errors.add("api_listener", "missing: the mesh takes API listeners (an HttpConnectionManager in"
          + " api_listener, as Istio serves proxyless clients), not socket listeners");
      return new MappedListener(null, null, errors.toList());
    }
    Any any = listener.getApiListener().getApiListener();
    String type = Values.typeName(any);
    if (!type.equals(HCM)) {
      errors.add("api_listener.api_listener", type + " is not supported: only HttpConnectionManager");
      return new MappedListener(null, null, errors.toList());
    }
    HttpConnectionManager hcm;
    try {
      hcm = any.unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      errors.add("api_listener.api_listener", "cannot be read as HttpConnectionManager: " + e.getMessage());
      return new MappedListener(null, null, errors.toList());
    }
    String f = "api_listener.api_listener";
    filters(hcm.getHttpFiltersList(), f + ".http_filters", errors);
    String rdsName = null;
    io.envoyproxy.envoy.config.route.v3.RouteConfiguration inline = null;
    switch (hcm.getRouteSpecifierCase()) {
      case RDS -> {
        ClusterMapper.configSource(hcm.getRds().getConfigSource(), f + ".rds.config_source", errors);
        rdsName = hcm.getRds().getRouteConfigName();
        if (rdsName.isEmpty()) {
          errors.add(f + ".rds.route_config_name", "is empty");
        }
      }
      case ROUTE_CONFIG -> inline = hcm.getRouteConfig();
      case SCOPED_ROUTES -> errors.add(f + ".scoped_routes", "scoped routes are not supported: use rds or route_config");
      default -> errors.add(f, "has neither rds nor route_config");
    }
    return new MappedListener(rdsName, inline, errors.toList());
  }

  /**
   * The fault filter injects nothing without a delay or an abort: accepted empty (Istio's listeners),
   * refused when the listener itself configures faults the mesh would not inject. Per-route fault
   * configs are ignored (see docs).
   */
  private static void fault(HttpFilter filter, String ff, Errors errors) {
    try {
      io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault fault =
          filter.getTypedConfig().unpack(io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault.class);
      // disabled: still refused, a route's typed_per_filter_config could enable it
      if ((fault.hasDelay() || fault.hasAbort()) && !filter.getIsOptional()) {
        errors.add(ff + ".typed_config", "filter '" + filter.getName() + "': fault injection (delay, abort) is not"
            + " supported");
      }
    } catch (InvalidProtocolBufferException e) {
      errors.add(ff + ".typed_config", "cannot be read as HTTPFault: " + e.getMessage());
    }
  }

  private static void filters(List<HttpFilter> filters, String f, Errors errors) {
    if (filters.isEmpty()) {
      errors.add(f, "is empty: the router filter must be the last");
      return;
    }
    for (int i = 0; i < filters.size(); i++) {
      HttpFilter filter = filters.get(i);
      String ff = f + "[" + i + "]";
      boolean last = i == filters.size() - 1;
      if (filter.hasConfigDiscovery()) {
        if (!filter.getIsOptional()) {
          errors.add(ff + ".config_discovery", "filter '" + filter.getName() + "': ECDS is not supported");
        }
        continue;
      }
      if (!filter.hasTypedConfig()) {
        if (!filter.getIsOptional()) {
          errors.add(ff, "filter '" + filter.getName() + "' has no typed_config");
        }
        continue;
      }
      String type = Values.typeName(filter.getTypedConfig());
      if (type.equals(ROUTER)) {
        if (!last) {
          errors.add(ff, "the router filter must be the last (found at " + i + " of " + filters.size() + ")");
        }
        continue;
      }
      if (last) {
        errors.add(ff, "filter '" + filter.getName() + "' is last: the router filter must be the last");
      }
      if (type.equals(FAULT)) {
        fault(filter, ff, errors);
        continue;
      }
      // disabled but not optional: refused, as a route could re-enable it (typed_per_filter_config)
      if (!filter.getIsOptional() && !HARMLESS.contains(type)) {
        errors.add(ff + ".typed_config", "filter '" + filter.getName() + "' (" + type + ") is not supported"
            + " and not optional");
      }
    }
  }
}
