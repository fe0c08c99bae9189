package io.mesh4j.testing.discovery;

import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.EndpointHealth;
import io.mesh4j.internal.discovery.StaticDiscoveryProvider;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Static discovery passes the suite every provider must pass: its list changes only with the
 * configuration (a reload starts a new watch), so it has nothing to republish or break.
 */
class StaticDiscoveryConformanceTest extends DiscoveryProviderConformanceSuite {

  @Override
  protected DiscoveryProvider provider() {
    return new StaticDiscoveryProvider();
  }

  @Override
  protected Set<Attribute> supportedAttributes() {
    return EnumSet.allOf(Attribute.class);
  }

  @Override
  protected Map<String, String> publish(String service, List<Endpoint> endpoints) {
    String list = endpoints.stream().map(StaticDiscoveryConformanceTest::spec).collect(Collectors.joining(","));
    return Map.of("mesh.services." + service + ".endpoints", list);
  }

  /** The endpoint as written in {@code mesh.services.<name>.endpoints}. */
  static String spec(Endpoint e) {
    StringBuilder s = new StringBuilder(e.authority());
    if (e.weight() != 1) {
      s.append(";weight=").append(e.weight());
    }
    if (!e.locality().region().isEmpty()) {
      s.append(";region=").append(e.locality().region());
    }
    if (!e.locality().zone().isEmpty()) {
      s.append(";zone=").append(e.locality().zone());
    }
    if (!e.locality().subZone().isEmpty()) {
      s.append(";sub-zone=").append(e.locality().subZone());
    }
    if (e.priority() != 0) {
      s.append(";priority=").append(e.priority());
    }
    if (e.health() != EndpointHealth.HEALTHY) {
      s.append(";health=").append(e.health().text());
    }
    e.metadata().forEach((k, v) -> s.append(';').append(k).append('=').append(v));
    return s.toString();
  }
}
