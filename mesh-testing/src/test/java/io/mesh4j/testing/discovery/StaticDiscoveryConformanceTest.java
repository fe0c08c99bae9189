package io.mesh4j.testing.discovery;

import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.internal.discovery.StaticDiscoveryProvider;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Static discovery passes the suite every provider must pass (its list never changes). */
class StaticDiscoveryConformanceTest extends DiscoveryProviderConformanceSuite {

  @Override
  protected DiscoveryProvider provider() {
    return new StaticDiscoveryProvider();
  }

  @Override
  protected Map<String, String> publish(String service, List<Endpoint> endpoints) {
    String list =
        endpoints.stream()
            .map(e -> e.authority() + (e.weight() == 1 ? "" : ";weight=" + e.weight()))
            .collect(Collectors.joining(","));
    return Map.of("mesh.services." + service + ".endpoints", list);
  }
}
