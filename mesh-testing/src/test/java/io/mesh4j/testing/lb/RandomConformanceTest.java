package io.mesh4j.testing.lb;

import io.mesh4j.internal.lb.RandomProvider;
import io.mesh4j.lb.LoadBalancerProvider;

class RandomConformanceTest extends LoadBalancerConformanceSuite {

  @Override
  protected LoadBalancerProvider provider() {
    return new RandomProvider();
  }
}
