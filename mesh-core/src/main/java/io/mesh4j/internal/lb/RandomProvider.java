package io.mesh4j.internal.lb;

import io.mesh4j.lb.SnapshotLoadBalancer;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;

/** {@code random}: a random endpoint per request, in proportion to endpoint weights. */
public final class RandomProvider implements LoadBalancerProvider {

  @Override
  public String name() {
    return "random";
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
    return new SnapshotLoadBalancer(context, (endpoints, update) -> new RandomPicker(endpoints, update));
  }

  @Override
  public boolean supportsSlowStart() {
    return true;
  }
}
