package io.mesh4j.testing.lb;

import io.mesh4j.internal.lb.WeightedRoundRobinProvider;
import io.mesh4j.lb.LoadBalancerProvider;

class WeightedRoundRobinConformanceTest extends LoadBalancerConformanceSuite {

  @Override
  protected LoadBalancerProvider provider() {
    return new WeightedRoundRobinProvider();
  }
}
