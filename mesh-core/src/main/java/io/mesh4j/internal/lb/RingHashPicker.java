package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;
import java.util.List;

/** Consistent hashing on a {@link HashRing}. */
final class RingHashPicker extends ConsistentHashPicker {

  RingHashPicker(List<Endpoint> endpoints, int minRingSize) {
    super(endpoints, e -> HashRing.build(e, minRingSize));
  }
}
