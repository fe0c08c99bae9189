package io.mesh4j.internal.runtime;

import io.mesh4j.ServiceRemovedException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The services the mesh routes now, by name, and the names it routed once and no longer does.
 * Copy-on-write, both in one immutable state behind one volatile: a request's lookup is one
 * volatile read and one or two hash lookups, never a lock, and never sees a name in neither set
 * while it moves from one to the other.
 */
final class RouteTable {

  private record State(Map<String, ServiceRoute> routes, Set<String> removed) {}

  private volatile State state = new State(Map.of(), Set.of());

  /**
   * How many removed names are remembered, the oldest forgotten first: overlays (xDS) add and remove
   * derived services for the client's whole life, and the set must not grow without bound.
   */
  static final int MAX_REMOVED = 4096;

  ServiceRoute get(String host) {
    return state.routes().get(host);
  }

  /**
   * For a host {@link #get} did not find: the route, if it was (re-)added meanwhile; null when the
   * host never was a service; {@link ServiceRemovedException} when it was one and was removed. One
   * read of the state for both answers, so a name moving between them is never missed.
   */
  ServiceRoute getOrFailClosed(String host) throws ServiceRemovedException {
    State s = state;
    ServiceRoute route = s.routes().get(host);
    if (route == null && s.removed().contains(host)) {
      throw new ServiceRemovedException(host);
    }
    return route;
  }

  boolean wasRemoved(String host) {
    return state.removed().contains(host);
  }

  Collection<ServiceRoute> all() {
    return state.routes().values();
  }

  Set<String> names() {
    return state.routes().keySet();
  }

  synchronized void put(ServiceRoute route) {
    State s = state;
    Map<String, ServiceRoute> routes = new HashMap<>(s.routes());
    routes.put(route.name(), route);
    Set<String> removed = new java.util.LinkedHashSet<>(s.removed());
    removed.remove(route.name());
    state = new State(Map.copyOf(routes), java.util.Collections.unmodifiableSet(removed));
  }

  /** Removes the route and remembers its name, so that requests to it fail closed. */
  synchronized ServiceRoute remove(String name) {
    State s = state;
    ServiceRoute route = s.routes().get(name);
    if (route == null) {
      return null;
    }
    Map<String, ServiceRoute> routes = new HashMap<>(s.routes());
    routes.remove(name);
    Set<String> removed = new java.util.LinkedHashSet<>(s.removed()); // in the order removed
    removed.remove(name);
    removed.add(name);
    while (removed.size() > MAX_REMOVED) {
      removed.remove(removed.iterator().next());
    }
    // never mutated once published (the volatile write publishes it)
    state = new State(Map.copyOf(routes), java.util.Collections.unmodifiableSet(removed));
    return route;
  }
}
