package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The mutable half shared by every policy (gRPC's LoadBalancer/SubchannelPicker split): each
 * update builds a new immutable picker with the policy's {@link PickerFactory} and publishes it.
 */
public final class SnapshotLoadBalancer implements LoadBalancer {

  private final LoadBalancerContext context;
  private final PickerFactory pickers;
  private final NoEndpointPicker noEndpoints;

  SnapshotLoadBalancer(LoadBalancerContext context, PickerFactory pickers) {
    this.context = Objects.requireNonNull(context, "context");
    this.pickers = Objects.requireNonNull(pickers, "pickers");
    this.noEndpoints = new NoEndpointPicker(context.serviceName());
  }

  @Override
  public void updateEndpoints(List<Endpoint> endpoints) {
    List<Endpoint> distinct = distinctByAuthority(endpoints);
    if (distinct.isEmpty()) {
      pickers.forgetAll();
      context.updatePicker(noEndpoints);
    } else {
      context.updatePicker(pickers.newPicker(distinct));
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
}
