package io.mesh4j.internal.lb;

import io.mesh4j.lb.SnapshotLoadBalancer;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;

/** {@code weighted-round-robin}: nginx-style smooth weighted round-robin. */
public final class WeightedRoundRobinProvider implements LoadBalancerProvider {

  @Override
  public String name() {
    return "weighted-round-robin";
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
    return new SnapshotLoadBalancer(context, (endpoints, update) -> new WeightedRoundRobinPicker(endpoints, update));
  }

  @Override
  public boolean supportsSlowStart() {
    return true;
  }
}
