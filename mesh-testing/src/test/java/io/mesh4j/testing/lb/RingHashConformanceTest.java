package io.mesh4j.testing.lb;

import io.mesh4j.internal.lb.RingHashProvider;
import io.mesh4j.lb.LoadBalancerProvider;

class RingHashConformanceTest extends LoadBalancerConformanceSuite {

  @Override
  protected LoadBalancerProvider provider() {
    return new RingHashProvider();
  }

  /** With a small ring, so 400 rebuilds stay fast. */
  @Override
  protected TestLoadBalancerContext newContext() {
    return TestLoadBalancerContext.forService(SERVICE).set(RingHashProvider.MIN_RING_SIZE, 256).build();
  }
}
