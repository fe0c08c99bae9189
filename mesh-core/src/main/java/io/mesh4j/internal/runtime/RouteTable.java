package io.mesh4j.internal.runtime;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The services the mesh routes now, by name, and the names it routed once and no longer does.
 * Copy-on-write: a request's lookup is one volatile read and one hash lookup, never a lock.
 */
final class RouteTable {

  private volatile Map<String, ServiceRoute> routes = Map.of();
  private volatile Set<String> removed = Set.of();

  ServiceRoute get(String host) {
    return routes.get(host);
  }

  /** True when {@code host} was a service and was removed: such a request fails closed. */
  boolean wasRemoved(String host) {
    return removed.contains(host);
  }

  Collection<ServiceRoute> all() {
    return routes.values();
  }

  Set<String> names() {
    return routes.keySet();
  }

  synchronized void put(ServiceRoute route) {
    Map<String, ServiceRoute> next = new HashMap<>(routes);
    next.put(route.name(), route);
    routes = Map.copyOf(next);
    if (removed.contains(route.name())) {
      Set<String> gone = new HashSet<>(removed);
      gone.remove(route.name());
      removed = Set.copyOf(gone);
    }
  }

  /** Removes the route and remembers its name, so that requests to it fail closed. */
  synchronized ServiceRoute remove(String name) {
    ServiceRoute route = routes.get(name);
    if (route == null) {
      return null;
    }
    Map<String, ServiceRoute> next = new HashMap<>(routes);
    next.remove(name);
    Set<String> gone = new HashSet<>(removed);
    gone.add(name);
    removed = Set.copyOf(gone);
    routes = Map.copyOf(next);
    return route;
  }
}
