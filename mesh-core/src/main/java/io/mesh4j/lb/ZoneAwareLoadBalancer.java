package io.mesh4j.lb;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.internal.lb.ChildGroups;
import io.mesh4j.internal.lb.GroupPicker;
import io.mesh4j.internal.lb.ZoneShares;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Zone-aware routing over any policy: one child policy per zone, and a picker that sends each
 * request to the client's zone ({@link LoadBalancerContext#locality()}) while that zone holds its
 * share of the healthy endpoints, spilling the part it cannot serve to the zones with spare healthy
 * endpoints ({@link ZoneShares} has the rule). A retry stays in its zone while that zone has an
 * endpoint it has not tried, then tries the local zone, then the others.
 *
 * <p>Off — one child over all endpoints, exactly the policy alone — when {@code lb.zone-aware} is
 * false, the client's zone is not set, or no endpoint has a zone. Each update reads all three, so
 * switching applies live; switching between on and off starts the policy's per-endpoint state
 * afresh. Endpoints without a zone form a zone of their own, never the local one.
 */
public final class ZoneAwareLoadBalancer implements LoadBalancer {

  private static final String ALL = "*";
  private static final String ZONE = "zone:";

  private final LoadBalancerContext context;
  private final ChildGroups children;

  /** @param child creates the policy that balances within one zone */
  public ZoneAwareLoadBalancer(LoadBalancerContext context, Function<LoadBalancerContext, LoadBalancer> child) {
    this.context = Objects.requireNonNull(context, "context");
    this.children = new ChildGroups(context, child, GroupPicker.RetryRule.UNTRIED_GROUP_FIRST);
  }

  public ZoneAwareLoadBalancer(LoadBalancerContext context, LoadBalancerProvider policy) {
    this(context, policy::newLoadBalancer);
  }

  @Override
  public void update(LoadBalancerUpdate update) {
    String local = context.locality().zone();
    if (!update.config().get(LoadBalancerKeys.ZONE_AWARE) || local.isEmpty() || !anyZone(update)) {
      children.update(List.of(new ChildGroups.Group(ALL, update, GroupPicker.SCALE)), 0, none());
      return;
    }
    Map<String, Zone> zones = new LinkedHashMap<>();
    for (Endpoint e : update.endpoints()) {
      zones.computeIfAbsent(zoneOf(e), Zone::new).healthy.add(e);
    }
    for (Endpoint e : update.excluded()) {
      zones.computeIfAbsent(zoneOf(e), Zone::new).excluded.add(e);
    }
    List<Zone> all = new ArrayList<>(zones.values());
    int[] healthy = new int[all.size()];
    int[] total = new int[all.size()];
    int localIndex = -1;
    for (int z = 0; z < all.size(); z++) {
      healthy[z] = all.get(z).healthy.size();
      total[z] = healthy[z] + all.get(z).excluded.size();
      if (all.get(z).name.equals(local)) {
        localIndex = z;
      }
    }
    int[] shares = ZoneShares.of(localIndex, healthy, total, update.panic(),
        update.config().get(LoadBalancerKeys.ZONE_AWARE_MIN_CLUSTER_SIZE)).shares();
    for (int z = 0; z < all.size(); z++) {
      all.get(z).share = shares[z];
    }
    // the order a retry tries zones in: the local zone, then those with the larger shares
    List<Zone> order = new ArrayList<>();
    for (Zone z : all) {
      if (!z.healthy.isEmpty()) {
        order.add(z);
      }
    }
    order.sort(Comparator.comparing((Zone z) -> !z.name.equals(local)).thenComparing(z -> -z.share));
    List<ChildGroups.Group> groups = new ArrayList<>(order.size());
    for (Zone z : order) {
      groups.add(new ChildGroups.Group(ZONE + z.name, update.withEndpoints(z.healthy, z.excluded, update.panic()), z.share));
    }
    boolean hasLocal = !order.isEmpty() && order.get(0).name.equals(local);
    children.update(groups, hasLocal ? 0 : -1, none());
  }

  @Override
  public void close() {
    children.close();
  }

  private Picker none() {
    PickResult none = PickResult.noEndpoint("no endpoints for service " + context.serviceName());
    return request -> none;
  }

  private static boolean anyZone(LoadBalancerUpdate update) {
    for (Endpoint e : update.endpoints()) {
      if (e.zone() != null) {
        return true;
      }
    }
    for (Endpoint e : update.excluded()) {
      if (e.zone() != null) {
        return true;
      }
    }
    return false;
  }

  private static String zoneOf(Endpoint e) {
    return e.locality().zone();
  }

  private static final class Zone {
    final String name;
    final List<Endpoint> healthy = new ArrayList<>();
    final List<Endpoint> excluded = new ArrayList<>();
    int share;

    Zone(String name) {
      this.name = name;
    }
  }
}
