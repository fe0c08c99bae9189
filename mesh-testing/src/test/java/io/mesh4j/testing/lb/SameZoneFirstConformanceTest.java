package io.mesh4j.testing.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.LoadBalancerKeys;
import io.mesh4j.lb.LoadBalancerProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A parent policy built on children passes the same suite as every built-in policy. */
class SameZoneFirstConformanceTest extends LoadBalancerConformanceSuite {

  @Override
  protected LoadBalancerProvider provider() {
    return new ChildPoliciesTest.SameZoneFirst();
  }

  /** It routes by zone on its own: lb.zone-aware=false turns off only the mesh's zone routing. */
  @Override
  @Test
  protected void zoneAwareOffSpreadsOverEveryZone() {
    List<Endpoint> a = zoned("a", 3);
    List<Endpoint> all = new ArrayList<>(a);
    all.addAll(zoned("b", 3));
    try (Wrapped w = wrappedInZone("a")) {
      w.context.setConfig(Map.of(LoadBalancerKeys.ZONE_AWARE, false));
      w.update(all, List.of());

      assertThat(w.tally(2_000, Set.of()).keySet()).isNotEmpty().isSubsetOf(a);
    }
  }
}
