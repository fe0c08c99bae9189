package io.mesh4j.testing.lb;

import io.mesh4j.internal.lb.MaglevProvider;
import io.mesh4j.lb.LoadBalancerProvider;

class MaglevConformanceTest extends LoadBalancerConformanceSuite {

  @Override
  protected LoadBalancerProvider provider() {
    return new MaglevProvider();
  }

  /** With a small prime table, so 400 rebuilds stay fast. */
  @Override
  protected TestLoadBalancerContext newContext() {
    return TestLoadBalancerContext.forService(SERVICE).set(MaglevProvider.TABLE_SIZE, 4099).build();
  }
}
