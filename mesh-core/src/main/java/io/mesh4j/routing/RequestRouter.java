package io.mesh4j.routing;

/**
 * Chooses, per request, the service a request to this service is sent to: xDS routes (weighted
 * clusters, path and header matches) or any provider's per-request indirection. A discovery
 * provider publishes one as the {@link io.mesh4j.discovery.ServiceAttributes#REQUEST_ROUTER}
 * attribute of a routing service; the request then runs entirely on the chosen service (its
 * balancer, configuration, policies and identity) with the decision's overrides.
 *
 * <p>Called once per logical request to a service whose current attributes carry one, on the
 * caller's thread: it must be fast, take no locks and do no I/O. Return the same {@link
 * RouteDecision} (or decisions derived from it by {@link RouteDecision#withHashKey}) for the same
 * route: the mesh caches the parsed overrides by the identity of the decision's overrides map.
 */
@FunctionalInterface
public interface RequestRouter {

  /** The decision for {@code request} (its URL's host is the routing service's name); never null. */
  RouteDecision route(okhttp3.Request request);
}
