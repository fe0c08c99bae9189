package io.mesh4j.testing.lb;

import io.mesh4j.internal.lb.LeastRequestProvider;
import io.mesh4j.lb.LoadBalancerProvider;

class LeastRequestConformanceTest extends LoadBalancerConformanceSuite {

  @Override
  protected LoadBalancerProvider provider() {
    return new LeastRequestProvider();
  }
}
