package io.mesh4j.lb;

import io.mesh4j.discovery.Endpoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The mutable half shared by every built-in policy (gRPC's LoadBalancer/SubchannelPicker split):
 * each update builds a new immutable picker with the policy's {@link PickerFactory} and publishes
 * it. It balances over the lowest priority present: the mesh's filters have already removed
 * ejected and unhealthy endpoints, so when a priority's last endpoint goes, traffic fails over to
 * the next. Public for third-party policies.
 */
public final class SnapshotLoadBalancer implements LoadBalancer {

  private final LoadBalancerContext context;
  private final PickerFactory pickers;
  private final Picker noEndpoints;

  public SnapshotLoadBalancer(LoadBalancerContext context, PickerFactory pickers) {
    this.context = Objects.requireNonNull(context, "context");
    this.pickers = Objects.requireNonNull(pickers, "pickers");
    PickResult none = PickResult.noEndpoint("no endpoints for service " + context.serviceName());
    this.noEndpoints = request -> none;
  }

  @Override
  public void update(LoadBalancerUpdate update) {
    List<Endpoint> usable = lowestPriority(distinctByAuthority(update.endpoints()));
    if (usable.isEmpty()) {
      pickers.forgetAll();
      context.updatePicker(noEndpoints);
    } else {
      context.updatePicker(pickers.newPicker(usable, update));
    }
  }

  /** Discovery should not repeat an address, but if it does the first occurrence wins. */
  static List<Endpoint> distinctByAuthority(List<Endpoint> endpoints) {
    Set<String> seen = new HashSet<>();
    List<Endpoint> out = new ArrayList<>(endpoints.size());
    for (Endpoint e : endpoints) {
      if (seen.add(e.authority())) {
        out.add(e);
      }
    }
    return out;
  }

  /** The endpoints of the lowest priority in the list (all of them when every one is priority 0). */
  public static List<Endpoint> lowestPriority(List<Endpoint> endpoints) {
    int lowest = Integer.MAX_VALUE;
    for (Endpoint e : endpoints) {
      lowest = Math.min(lowest, e.priority());
    }
    if (lowest == 0 && endpoints.stream().allMatch(e -> e.priority() == 0)) {
      return endpoints;
    }
    List<Endpoint> out = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (e.priority() == lowest) {
        out.add(e);
      }
    }
    return out;
  }
}
