package io.mesh4j.xds.internal.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ServiceKeys;
import io.mesh4j.internal.lb.MaglevProvider;
import io.mesh4j.internal.lb.RingHashProvider;
import io.mesh4j.lb.LoadBalancerKeys;
import io.mesh4j.resilience.internal.ResilienceKeys;
import io.mesh4j.tls.TlsModule;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The mesh's own parsers of the keys the mapping produces: every value must parse. */
final class MeshKeyParsers {

  private static final Map<String, ConfigKey<?>> KEYS = new HashMap<>();
  private static final Set<String> POLICIES =
      Set.of("round-robin", "weighted-round-robin", "random", "least-request", "peak-ewma", "ring-hash", "maglev");

  static {
    for (ConfigKey<?> k : ResilienceKeys.ALL) {
      KEYS.put(k.name(), k);
    }
    for (ConfigKey<?> k : List.of(TlsModule.IDENTITY, TlsModule.SERVICE_MODE, ServiceKeys.TIMEOUT,
        LoadBalancerKeys.ZONE_AWARE, LoadBalancerKeys.ZONE_AWARE_MIN_CLUSTER_SIZE, MaglevProvider.TABLE_SIZE,
        LoadBalancerKeys.SLOW_START_WINDOW, LoadBalancerKeys.SLOW_START_AGGRESSION,
        LoadBalancerKeys.SLOW_START_MIN_WEIGHT_PERCENT, LoadBalancerKeys.PRIORITY_OVERPROVISIONING_FACTOR,
        RingHashProvider.MIN_RING_SIZE, LoadBalancerKeys.HASH_HEADER)) {
      KEYS.put(k.name(), k);
    }
  }

  private MeshKeyParsers() {}

  static void assertAllParse(Map<String, String> keys) {
    for (Map.Entry<String, String> e : keys.entrySet()) {
      if (e.getKey().equals("lb")) {
        assertThat(POLICIES).as("lb").contains(e.getValue());
        continue;
      }
      ConfigKey<?> key = KEYS.get(e.getKey());
      if (key == null) {
        fail("no mesh key '" + e.getKey() + "'");
      }
      try {
        key.parser().parse(e.getValue());
      } catch (IllegalArgumentException ex) {
        fail(e.getKey() + "=" + e.getValue() + " does not parse: " + ex.getMessage());
      }
    }
  }
}
