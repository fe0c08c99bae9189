package io.mesh4j.xds.internal.provider;

import io.mesh4j.routing.RequestRouter;
import io.mesh4j.routing.RouteDecision;
import io.mesh4j.xds.internal.mapping.XdsRouteMatch;
import io.mesh4j.xds.internal.mapping.XdsRouteTable;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * Routes a request to a listener's service as its route table says: the first matching route of the
 * virtual host of the request's authority, one of its clusters by weight, that cluster's derived
 * mesh service, with the route's overrides and hash key. Decisions are built per (route, cluster)
 * once, by the first request of a route (the table does not list its routes), so a request
 * allocates at most its path string and its hash key.
 * Immutable; a new table gets a new router.
 */
final class XdsRequestRouter implements RequestRouter {

  private final String listener;
  private final XdsRouteTable table;
  /** Per route (XdsRouteMatch compares by identity), per cluster. */
  private final ConcurrentHashMap<XdsRouteMatch, Map<String, RouteDecision>> decisions = new ConcurrentHashMap<>();
  private final Function<String, String> derivedService;
  /** Derived services that refuse requests (TLS would be plaintext): service → why; read per request. */
  private final Function<String, RouteDecision> refusal;
  /** The last authority built from a URL (host, port): most requests of a client go to one. */
  private volatile Authority lastAuthority = new Authority("", -1, "");
  private final RouteDecision noVirtualHostOrRoute;

  /**
   * @param derivedService the mesh service of each cluster
   * @param refusal the refusal of a derived service's requests (a no-route decision), or null
   */
  XdsRequestRouter(String listener, XdsRouteTable table, Function<String, String> derivedService,
      Function<String, RouteDecision> refusal) {
    this.listener = listener;
    this.table = table;
    this.derivedService = derivedService;
    this.refusal = refusal;
    this.noVirtualHostOrRoute =
        RouteDecision.noRoute("no virtual host or route of xDS listener '" + listener + "' matches");
  }

  /** The decisions of one route, per cluster; built once (the table's routes are fixed and few). */
  private Map<String, RouteDecision> decisionsOf(XdsRouteMatch route) {
    Map<String, RouteDecision> perCluster = new HashMap<>();
    if (route.forwards()) {
      for (String cluster : route.clusters()) {
        perCluster.put(cluster, RouteDecision.to(derivedService.apply(cluster)).withOverrides(route.overrides()));
      }
    } else {
      perCluster.put("", RouteDecision.noRoute(route.reason()));
    }
    return Map.copyOf(perCluster);
  }

  @Override
  public RouteDecision route(Request request) {
    HttpUrl url = request.url();
    String authority = authority(request, url);
    String query = url.encodedQuery();
    String pathAndQuery = query == null ? url.encodedPath() : url.encodedPath() + "?" + query;
    XdsRouteMatch route = table.match(request.method(), authority, pathAndQuery, request.headers());
    if (route == null) {
      return noVirtualHostOrRoute;
    }
    Map<String, RouteDecision> perCluster = decisions.get(route);
    if (perCluster == null) {
      perCluster = decisions.computeIfAbsent(route, this::decisionsOf);
    }
    if (!route.forwards()) {
      return perCluster.get("");
    }
    String cluster = route.pickCluster();
    RouteDecision decision = perCluster.get(cluster);
    RouteDecision refused = refusal.apply(decision.service());
    if (refused != null) {
      return refused;
    }
    String hashKey = route.hashKey(pathAndQuery, request.headers());
    return hashKey == null ? decision : decision.withHashKey(hashKey);
  }

  /** The Host the request carries: a Host header the caller set, else the URL's host[:port], as OkHttp sends it. */
  private String authority(Request request, HttpUrl url) {
    String host = request.header("Host");
    if (host != null) {
      return host;
    }
    if (url.port() == HttpUrl.defaultPort(url.scheme())) {
      return url.host();
    }
    Authority last = lastAuthority;
    if (last.port == url.port() && last.host.equals(url.host())) {
      return last.text; // no host:port string per request
    }
    Authority built = new Authority(url.host(), url.port(), url.host() + ":" + url.port());
    lastAuthority = built;
    return built.text;
  }

  private record Authority(String host, int port, String text) {}

  @Override
  public String toString() {
    return "xDS routes of listener '" + listener + "'";
  }
}
