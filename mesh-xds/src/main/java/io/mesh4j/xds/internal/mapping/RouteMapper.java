package io.mesh4j.xds.internal.mapping;

import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps a RouteConfiguration (RDS, or inline in a listener) to an {@link XdsRouteTable} and the
 * clusters its routes may send to. Unsupported fields that would change where or how a request is
 * sent are errors; the others are ignored (docs list them).
 */
public final class RouteMapper {

  private RouteMapper() {}

  public static MappedRoutes map(RouteConfiguration rc) {
    Errors errors = new Errors();
    Set<String> clusters = new LinkedHashSet<>();
    Map<String, XdsRouteTable.VirtualHost> byDomain = new LinkedHashMap<>();
    if (rc.hasVhds()) {
      errors.add("vhds", "on-demand virtual hosts are not supported");
    }
    if (rc.getIgnorePathParametersInPathMatching()) {
      errors.add("ignore_path_parameters_in_path_matching", "not supported: the mesh matches the whole path");
    }
    for (int i = 0; i < rc.getVirtualHostsCount(); i++) {
      VirtualHost vh = rc.getVirtualHosts(i);
      String f = "virtual_hosts[" + i + "]";
      if (vh.hasMatcher()) {
        // a matcher tree replaces the routes: ignoring it would send requests where Envoy would not
        errors.add(f + ".matcher", "matcher trees are not supported: send routes");
      }
      XdsRouteTable.VirtualHost host = virtualHost(vh, f, clusters, errors);
      if (vh.getDomainsCount() == 0) {
        errors.add(f + ".domains", "is empty");
      }
      for (int j = 0; j < vh.getDomainsCount(); j++) {
        String domain = vh.getDomains(j).toLowerCase(Locale.ROOT);
        String df = f + ".domains[" + j + "]";
        if (!validDomain(domain)) {
          errors.add(df, "'" + domain + "' is not a domain: a wildcard '*' may only be the whole domain, its first"
              + " or its last character");
        } else if (byDomain.containsKey(domain)) {
          errors.add(df, "'" + domain + "' is also a domain of virtual host '" + byDomain.get(domain).name() + "'");
        } else {
          byDomain.put(domain, host);
        }
      }
    }
    XdsRouteTable table = errors.isEmpty()
        ? new XdsRouteTable(byDomain, rc.getIgnorePortInHostMatching()) : XdsRouteTable.empty();
    return new MappedRoutes(table, clusters, errors.toList());
  }

  static boolean validDomain(String d) {
    if (d.isEmpty()) {
      return false;
    }
    if (d.equals("*")) {
      return true;
    }
    int star = d.indexOf('*');
    if (star >= 0 && (star != d.lastIndexOf('*') || (star != 0 && star != d.length() - 1))) {
      return false;
    }
    return d.chars().allMatch(c -> c > ' ' && c < 127 && c != '/');
  }

  private static XdsRouteTable.VirtualHost virtualHost(VirtualHost vh, String f, Set<String> clusters, Errors errors) {
    RetryPolicy vhRetry = vh.hasRetryPolicy() ? vh.getRetryPolicy() : null;
    List<XdsRouteTable.Entry> entries = new ArrayList<>();
    for (int j = 0; j < vh.getRoutesCount(); j++) {
      Route route = vh.getRoutes(j);
      String rf = f + ".routes[" + j + "]";
      String name = route.getName().isEmpty() ? rf : route.getName();
      RouteCondition condition = RouteCondition.compile(route.getMatch(), rf + ".match", errors);
      XdsRouteMatch match = action(route, name, rf, vhRetry, clusters, errors);
      if (condition != null && match != null) {
        entries.add(new XdsRouteTable.Entry(condition, match));
      }
    }
    return new XdsRouteTable.VirtualHost(vh.getName(), List.copyOf(entries));
  }

  private static XdsRouteMatch action(
      Route route, String name, String f, RetryPolicy vhRetry, Set<String> clusters, Errors errors) {
    switch (route.getActionCase()) {
      case ROUTE -> {
        return forward(route.getRoute(), name, f + ".route", vhRetry, clusters, errors);
      }
      case REDIRECT -> {
        return XdsRouteMatch.nonForwarding(name, "route '" + name + "' is a redirect, which the mesh does not follow");
      }
      case DIRECT_RESPONSE -> {
        return XdsRouteMatch.nonForwarding(name, "route '" + name + "' is a direct response ("
            + route.getDirectResponse().getStatus() + "), which the mesh does not serve");
      }
      case NON_FORWARDING_ACTION, FILTER_ACTION -> {
        return XdsRouteMatch.nonForwarding(name, "route '" + name + "' does not forward requests");
      }
      default -> {
        errors.add(f, "has no action");
        return null;
      }
    }
  }

  private static XdsRouteMatch forward(
      RouteAction a, String name, String f, RetryPolicy vhRetry, Set<String> clusters, Errors errors) {
    int before = errors.size();
    List<String> names = new ArrayList<>();
    List<Long> weights = new ArrayList<>();
    switch (a.getClusterSpecifierCase()) {
      case CLUSTER -> {
        if (a.getCluster().isEmpty()) {
          errors.add(f + ".cluster", "is empty");
        }
        names.add(a.getCluster());
        weights.add(1L);
      }
      case WEIGHTED_CLUSTERS -> weighted(a.getWeightedClusters(), f + ".weighted_clusters", names, weights, errors);
      case CLUSTER_HEADER -> errors.add(f + ".cluster_header", "not supported: a request header may not choose the"
          + " cluster (it could name any cluster)");
      case CLUSTER_SPECIFIER_PLUGIN, INLINE_CLUSTER_SPECIFIER_PLUGIN ->
          errors.add(f + ".cluster_specifier_plugin", "cluster specifier plugins are not supported");
      default -> errors.add(f, "names no cluster");
    }
    // rewrites change what the backend sees: refused rather than ignored
    if (!a.getPrefixRewrite().isEmpty()) {
      errors.add(f + ".prefix_rewrite", "path rewrites are not supported");
    }
    if (a.hasRegexRewrite()) {
      errors.add(f + ".regex_rewrite", "path rewrites are not supported");
    }
    if (a.hasPathRewritePolicy()) {
      errors.add(f + ".path_rewrite_policy", "path rewrites are not supported");
    }
    if (a.getHostRewriteSpecifierCase() != RouteAction.HostRewriteSpecifierCase.HOSTREWRITESPECIFIER_NOT_SET) {
      errors.add(f + "." + a.getHostRewriteSpecifierCase().name().toLowerCase(Locale.ROOT),
          "host rewrites are not supported");
    }
    Map<String, String> overrides = RouteOverrides.build(a, vhRetry, f, errors);
    List<HashPolicy> hash = HashPolicy.compile(a.getHashPolicyList(), f + ".hash_policy", errors);
    if (errors.size() > before) {
      return null;
    }
    clusters.addAll(names);
    return XdsRouteMatch.forwarding(name, names, weights, overrides, hash);
  }

  private static void weighted(WeightedCluster w, String f, List<String> names, List<Long> weights, Errors errors) {
    long total = 0;
    for (int i = 0; i < w.getClustersCount(); i++) {
      WeightedCluster.ClusterWeight c = w.getClusters(i);
      String cf = f + ".clusters[" + i + "]";
      if (c.getName().isEmpty()) {
        errors.add(cf + ".name", c.getClusterHeader().isEmpty() ? "is empty"
            : "cluster_header is not supported: a request header may not choose the cluster");
        continue;
      }
      if (c.getHostRewriteSpecifierCase() != WeightedCluster.ClusterWeight.HostRewriteSpecifierCase.HOSTREWRITESPECIFIER_NOT_SET) {
        errors.add(cf + "." + c.getHostRewriteSpecifierCase().name().toLowerCase(Locale.ROOT),
            "host rewrites are not supported");
      }
      long weight = c.hasWeight() ? Integer.toUnsignedLong(c.getWeight().getValue()) : 0;
      total += weight;
      if (weight > 0) { // a weight of 0 gets no traffic
        names.add(c.getName());
        weights.add(weight);
      }
    }
    // total_weight (deprecated): the sum of the weights is the total, as in gRPC and current Envoy
    if (total == 0) {
      errors.add(f, "the weights add up to 0");
    } else if (total > 0xFFFF_FFFFL) {
      errors.add(f, "the weights add up to " + total + ", above 4294967295");
    }
  }
}
