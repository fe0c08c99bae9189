package io.mesh4j.xds.internal.mapping;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.Headers;

/**
 * A RouteConfiguration ready to route requests: virtual hosts chosen by domain as Envoy does (exact,
 * then the longest {@code *suffix}, then the longest {@code prefix*}, then {@code *}), then the
 * first matching route of that host. Immutable; built once per RDS version.
 */
public final class XdsRouteTable {

  /** One virtual host's routes, in order. */
  record VirtualHost(String name, List<Entry> routes) {}

  record Entry(RouteCondition condition, XdsRouteMatch match) {}

  private record Wildcard(String part, VirtualHost host) {}

  private final Map<String, VirtualHost> exact = new HashMap<>();
  private final List<Wildcard> suffixes = new ArrayList<>(); // longest first
  private final List<Wildcard> prefixes = new ArrayList<>(); // longest first
  private final VirtualHost any;
  private final boolean ignorePort;

  XdsRouteTable(Map<String, VirtualHost> byDomain, boolean ignorePort) {
    VirtualHost star = null;
    for (Map.Entry<String, VirtualHost> e : byDomain.entrySet()) {
      String d = e.getKey();
      if (d.equals("*")) {
        star = e.getValue();
      } else if (d.startsWith("*")) {
        suffixes.add(new Wildcard(d.substring(1), e.getValue()));
      } else if (d.endsWith("*")) {
        prefixes.add(new Wildcard(d.substring(0, d.length() - 1), e.getValue()));
      } else {
        exact.put(d, e.getValue());
      }
    }
    Comparator<Wildcard> longestFirst = Comparator.comparingInt((Wildcard w) -> w.part.length()).reversed();
    suffixes.sort(longestFirst);
    prefixes.sort(longestFirst);
    this.any = star;
    this.ignorePort = ignorePort;
  }

  /** An empty table: every request has no route. */
  static XdsRouteTable empty() {
    return new XdsRouteTable(Map.of(), false);
  }

  /**
   * The route of a request, or null when no virtual host or route matches (the caller fails with "no
   * route"). The method is unknown here: routes matching {@code :method} do not match; prefer {@link
   * #match(String, String, String, Headers)}.
   */
  public XdsRouteMatch match(String authority, String pathAndQuery, Headers headers) {
    return match(null, authority, pathAndQuery, headers);
  }

  /**
   * The route of a request, or null when no virtual host or route matches.
   *
   * @param method the request method, for {@code :method} header matchers (null: unknown)
   * @param authority {@code host[:port]} as the request's Host header has it
   * @param pathAndQuery the encoded path and query, such as {@code /api/items?id=4}
   */
  public XdsRouteMatch match(String method, String authority, String pathAndQuery, Headers headers) {
    VirtualHost vh = virtualHost(authority);
    if (vh == null) {
      return null;
    }
    String path = RequestView.path(pathAndQuery);
    for (Entry e : vh.routes) {
      if (e.condition.matches(method, authority, path, pathAndQuery, headers)) {
        return e.match;
      }
    }
    return null;
  }

  /** The virtual host's name for an authority, or null; for diagnostics and tests. */
  public String virtualHostName(String authority) {
    VirtualHost vh = virtualHost(authority);
    return vh == null ? null : vh.name;
  }

  private VirtualHost virtualHost(String authority) {
    String host = authority.toLowerCase(Locale.ROOT);
    if (ignorePort) {
      host = stripPort(host);
    }
    VirtualHost vh = exact.get(host);
    if (vh != null) {
      return vh;
    }
    for (Wildcard w : suffixes) { // "*.example.org": the wildcard stands for at least one character
      if (host.length() > w.part.length() && host.endsWith(w.part)) {
        return w.host;
      }
    }
    for (Wildcard w : prefixes) {
      if (host.length() > w.part.length() && host.startsWith(w.part)) {
        return w.host;
      }
    }
    return any;
  }

  private static String stripPort(String host) {
    int colon = host.lastIndexOf(':');
    if (colon < 0 || (host.startsWith("[") && colon < host.indexOf(']'))) {
      return host;
    }
    for (int i = colon + 1; i < host.length(); i++) {
      if (!Character.isDigit(host.charAt(i))) {
        return host;
      }
    }
    return host.substring(0, colon);
  }
}
