package io.mesh4j.testing.lb;

import io.mesh4j.internal.lb.RoundRobinProvider;
import io.mesh4j.lb.LoadBalancerProvider;

class RoundRobinConformanceTest extends LoadBalancerConformanceSuite {

  @Override
  protected LoadBalancerProvider provider() {
    return new RoundRobinProvider();
  }
}
