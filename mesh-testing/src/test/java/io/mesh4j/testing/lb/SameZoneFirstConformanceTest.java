package io.mesh4j.testing.lb;

import io.mesh4j.lb.LoadBalancerProvider;

/** A parent policy built on children passes the same suite as every built-in policy. */
class SameZoneFirstConformanceTest extends LoadBalancerConformanceSuite {

  @Override
  protected LoadBalancerProvider provider() {
    return new ChildPoliciesTest.SameZoneFirst();
  }
}
