package io.mesh4j.xds.internal.mapping;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.Headers;

/**
 * The route a request matched: where it goes, with which per-request keys and hash key. Built once
 * per route when the RouteConfiguration arrives and shared by every request that matches it.
 *
 * <p>A route whose action is not to forward (a redirect, a direct response, a non-forwarding action)
 * matches like any other, so the routes after it are not tried, as in Envoy; {@link #forwards()} is
 * then false and {@link #reason()} says why, for the caller's "no route" failure.
 */
public final class XdsRouteMatch {

  private final String name;
  private final String[] clusters;
  private final long[] cumulative;
  private final long total;
  private final Map<String, String> overrides;
  private final HashPolicy[] hashPolicies;
  private final String reason;

  private XdsRouteMatch(String name, String[] clusters, long[] cumulative, Map<String, String> overrides,
      List<HashPolicy> hashPolicies, String reason) {
    this.name = name;
    this.clusters = clusters;
    this.cumulative = cumulative;
    this.total = cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
    this.overrides = overrides;
    this.hashPolicies = hashPolicies.toArray(new HashPolicy[0]);
    this.reason = reason;
  }

  /** A route to clusters with these weights (one cluster: weight ignored). */
  static XdsRouteMatch forwarding(String name, List<String> clusters, List<Long> weights,
      Map<String, String> overrides, List<HashPolicy> hashPolicies) {
    long[] cumulative = new long[clusters.size()];
    long sum = 0;
    for (int i = 0; i < cumulative.length; i++) {
      sum += weights.get(i);
      cumulative[i] = sum;
    }
    return new XdsRouteMatch(name, clusters.toArray(new String[0]), cumulative, overrides, hashPolicies, null);
  }

  /** A route that matches but does not forward. */
  static XdsRouteMatch nonForwarding(String name, String reason) {
    return new XdsRouteMatch(name, new String[0], new long[0], Map.of(), List.of(), Objects.requireNonNull(reason));
  }

  /** The route's name, or its place ({@code virtual_hosts[0].routes[2]}) when it has none. */
  public String name() {
    return name;
  }

  /** False for a redirect, direct response or non-forwarding route: the request has no cluster. */
  public boolean forwards() {
    return reason == null;
  }

  /** Why the route does not forward, or null when it does. */
  public String reason() {
    return reason;
  }

  /**
   * The cluster to send this request to: of weighted clusters, one drawn by weight with {@link
   * ThreadLocalRandom}; null when the route does not forward.
   */
  public String pickCluster() {
    if (clusters.length <= 1) {
      return clusters.length == 0 ? null : clusters[0];
    }
    long r = ThreadLocalRandom.current().nextLong(total);
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) { // the first running total above r
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > r) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return clusters[lo];
  }

  /** The clusters this route may send to, in configuration order. */
  public List<String> clusters() {
    return List.of(clusters);
  }

  /**
   * Service-relative mesh keys for this request ({@code timeout}, {@code retry.max-attempts},
   * {@code retry.on}, {@code per-try-timeout}, {@code retry.backoff.base}, {@code retry.backoff.max}):
   * the same map instance on every call, so the caller can cache what it derives from it.
   */
  public Map<String, String> overrides() {
    return overrides;
  }

  /**
   * The hash key of this request from the route's hash policies (header, query parameter, cookie),
   * combined in order, stopping at a terminal policy once a value exists, as Envoy does; null when no policy
   * produced one (the balancer then picks as without a key).
   */
  public String hashKey(String pathAndQuery, Headers headers) {
    String single = null;
    StringBuilder combined = null;
    for (HashPolicy p : hashPolicies) {
      String v = p.value(pathAndQuery, headers);
      if (v != null) {
        if (single == null) {
          single = v;
        } else {
          if (combined == null) {
            combined = new StringBuilder(single);
          }
          combined.append('\u001f').append(v);
        }
      }
      // Envoy and gRPC: a terminal policy ends the list once any policy so far produced a hash,
      // whether or not the terminal one itself did
      if (p.terminal() && single != null) {
        break;
      }
    }
    return combined != null ? combined.toString() : single;
  }

  @Override
  public String toString() {
    return "route " + name + (forwards() ? " -> " + String.join(",", clusters) : " (" + reason + ")");
  }
}
