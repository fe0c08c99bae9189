package io.mesh4j.internal.lb;

import io.mesh4j.lb.SnapshotLoadBalancer;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;

/** {@code round-robin}: each endpoint in turn, ignoring weights. */
public final class RoundRobinProvider implements LoadBalancerProvider {

  @Override
  public String name() {
    return "round-robin";
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
    return new SnapshotLoadBalancer(context, (endpoints, update) -> new RoundRobinPicker(endpoints));
  }
}
