package io.mesh4j.benchmarks;

import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.SnapshotLoadBalancer;

/**
 * Benchmark-only: a policy that always answers its first endpoint, at the cost of a field read.
 * {@code PickBenchmark -p policy=first-endpoint -p routing=flat,zone-direct,zone-residual} then
 * measures what the mesh's priority and zone wrappers add, with as little of a policy as possible.
 */
public final class FirstEndpointProvider implements LoadBalancerProvider {

  @Override
  public String name() {
    return "first-endpoint";
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
    return new SnapshotLoadBalancer(context, (endpoints, update) -> {
      PickResult first = PickResult.of(endpoints.get(0));
      return request -> first;
    });
  }
}
