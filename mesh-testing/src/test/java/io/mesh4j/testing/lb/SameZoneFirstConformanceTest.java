package io.mesh4j.testing.lb;

import io.mesh4j.lb.LoadBalancerProvider;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** A parent policy built on children passes the same suite as every built-in policy. */
class SameZoneFirstConformanceTest extends LoadBalancerConformanceSuite {

  @Override
  protected LoadBalancerProvider provider() {
    return new ChildPoliciesTest.SameZoneFirst();
  }

  @Override
  @Test
  @Disabled("it routes by zone on its own: lb.zone-aware=false turns off only the mesh's zone routing")
  protected void zoneAwareOffSpreadsOverEveryZone() {}
}
