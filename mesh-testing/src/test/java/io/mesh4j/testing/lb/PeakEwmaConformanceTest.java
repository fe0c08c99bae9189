package io.mesh4j.testing.lb;

import io.mesh4j.internal.lb.PeakEwmaProvider;
import io.mesh4j.lb.LoadBalancerProvider;

class PeakEwmaConformanceTest extends LoadBalancerConformanceSuite {

  @Override
  protected LoadBalancerProvider provider() {
    return new PeakEwmaProvider();
  }

  /** With the decay key is read through the context. */
  @Override
  protected TestLoadBalancerContext newContext() {
    return TestLoadBalancerContext.forService(SERVICE).set(PeakEwmaProvider.DECAY, java.time.Duration.ofSeconds(1)).build();
  }
}
