package io.mesh4j.internal.okhttp;

import io.mesh4j.NoRouteException;
import io.mesh4j.internal.runtime.MeshRuntime;
import io.mesh4j.internal.runtime.RouteSnapshot;
import io.mesh4j.internal.runtime.ServiceRoute;
import io.mesh4j.routing.RouteDecision;
import okhttp3.Request;

/**
 * Turns a router's decision into the snapshot the request runs on: the target service's, with the
 * route's overrides (parsed once per target snapshot and overrides map). Routing is one level:
 * a target that routes again is an error, never a loop.
 */
final class RequestRouting {

  private RequestRouting() {}

  /**
   * @throws NoRouteException when no route matched, or the route's target or an override cannot serve
   */
  static RouteSnapshot target(MeshRuntime runtime, RouteSnapshot routing, RouteDecision decision, Request request)
      throws NoRouteException {
    String from = routing.name();
    if (decision == null) {
      throw new NoRouteException(from, "the router of service '" + from + "' returned no decision for "
          + describe(request));
    }
    if (decision.isNoRoute()) {
      throw NoRouteException.noMatch(from, request.url().host(), request.url().encodedPath(), decision.reason());
    }
    String target = decision.service();
    ServiceRoute route = runtime.route(target);
    if (route == null) {
      throw new NoRouteException(from, "the route of service '" + from + "' for " + describe(request)
          + " chose service '" + target + "', which is not a mesh service"
          + (runtime.wasRemoved(target) ? " (it was removed)" : ""));
    }
    RouteSnapshot snapshot = route.current();
    if (snapshot.router() != null) {
      throw new NoRouteException(from, "the route of service '" + from + "' for " + describe(request)
          + " chose service '" + target + "', which routes requests itself: routing is one level only");
    }
    try {
      return snapshot.withOverrides(from, decision.overrides());
    } catch (IllegalArgumentException e) {
      throw new NoRouteException(from, "the route of service '" + from + "' to service '" + target + "' has an"
          + " invalid " + e.getMessage());
    }
  }

  private static String describe(Request request) {
    return request.method() + " " + request.url().host() + request.url().encodedPath();
  }
}
