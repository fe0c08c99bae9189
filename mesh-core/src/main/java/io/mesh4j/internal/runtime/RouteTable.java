package io.mesh4j.internal.runtime;

import io.mesh4j.ServiceRemovedException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
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
    Set<String> removed = new HashSet<>(s.removed());
    removed.remove(route.name());
    state = new State(Map.copyOf(routes), Set.copyOf(removed));
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
    Set<String> removed = new HashSet<>(s.removed());
    removed.add(name);
    state = new State(Map.copyOf(routes), Set.copyOf(removed));
    return route;
  }
}
