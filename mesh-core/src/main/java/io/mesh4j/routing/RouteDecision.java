package io.mesh4j.routing;

import java.util.Map;
import java.util.Objects;

/**
 * What a {@link RequestRouter} decided for one request: the service to send it to, with
 * per-route overrides of that service's keys and a hash key for a hashing balancer; or no route
 * (Envoy's 404 "NR"), which fails the request with {@link io.mesh4j.NoRouteException}. Immutable.
 */
public final class RouteDecision {

  private final String service;
  private final Map<String, String> overrides;
  private final String hashKey;
  private final String reason;

  private RouteDecision(String service, Map<String, String> overrides, String hashKey, String reason) {
    this.service = service;
    this.overrides = overrides;
    this.hashKey = hashKey;
    this.reason = reason;
  }

  /** Send the request to mesh service {@code service} (a service with no router of its own). */
  public static RouteDecision to(String service) {
    Objects.requireNonNull(service, "service");
    if (service.isBlank()) {
      throw new IllegalArgumentException("route target service must not be blank");
    }
    return new RouteDecision(service, Map.of(), null, null);
  }

  /** No route matches the request; {@code reason} says why (it goes into the exception). */
  public static RouteDecision noRoute(String reason) {
    return new RouteDecision(null, Map.of(), null, Objects.requireNonNull(reason, "reason"));
  }

  /**
   * This decision with per-route overrides of the target service's keys, service-relative ({@code
   * "timeout" -> "2s"}, {@code "per-try-timeout" -> "500ms"}, {@code "retry.max-attempts" -> "3"},
   * {@code "retry.on" -> "5xx,reset"}; only {@code timeout}, {@code per-try-timeout}, {@code retry.*}
   * and {@code hedge.*} keys). Parsed by the mesh with the keys' own parsers, once per target
   * configuration and overrides map (copied here once: keep this decision, or what {@link
   * #withHashKey} derives from it, for the route).
   */
  public RouteDecision withOverrides(Map<String, String> serviceKeys) {
    requireRoute("withOverrides");
    return new RouteDecision(service, Map.copyOf(serviceKeys), hashKey, null);
  }

  /**
   * This decision with the key a hashing balancer (ring-hash, maglev) of the target uses for this
   * request, in place of the value of its {@code lb.hash-header}; null: none from the route (the
   * target's {@code lb.hash-header}, if set, applies). Keeps the overrides map (the same instance).
   */
  public RouteDecision withHashKey(String hashKey) {
    requireRoute("withHashKey");
    return new RouteDecision(service, overrides, hashKey, null);
  }

  /** The target service; null for {@link #noRoute}. */
  public String service() {
    return service;
  }

  /** Service-relative keys that override the target's for this request; empty when none. */
  public Map<String, String> overrides() {
    return overrides;
  }

  /** The hash key for the target's balancer, or null. */
  public String hashKey() {
    return hashKey;
  }

  public boolean isNoRoute() {
    return service == null;
  }

  /** Why no route matched; null for a route. */
  public String reason() {
    return reason;
  }

  private void requireRoute(String what) {
    if (service == null) {
      throw new IllegalStateException(what + " on a no-route decision");
    }
  }

  @Override
  public String toString() {
    return service == null
        ? "RouteDecision{noRoute: " + reason + "}"
        : "RouteDecision{to=" + service + (overrides.isEmpty() ? "" : ", overrides=" + overrides)
            + (hashKey == null ? "" : ", hashKey") + "}";
  }
}
