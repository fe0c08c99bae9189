package io.mesh4j.testing.discovery;

import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.Endpoint;
import java.util.List;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The fake provider behaves like a real one, so tests built on it mean something. */
class FakeDiscoveryConformanceTest extends DiscoveryProviderConformanceSuite {

  private final FakeDiscovery fake = new FakeDiscovery();

  @Override
  protected DiscoveryProvider provider() {
    return fake;
  }

  @Override
  protected Map<String, String> publish(String service, List<Endpoint> endpoints) {
    fake.setEndpoints(service, endpoints);
    return Map.of("mesh.services." + service + ".discovery", "fake");
  }

  @Override
  protected boolean republish(String service, List<Endpoint> endpoints) {
    fake.setEndpoints(service, endpoints);
    return true;
  }

  @Override
  protected Set<Attribute> supportedAttributes() {
    return EnumSet.allOf(Attribute.class);
  }

  @Override
  protected boolean breakBackend(String service) {
    fake.fail(service, new java.io.IOException("fake backend for " + service + " is down"));
    return true;
  }
}
