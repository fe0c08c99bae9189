package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.PickRequest;
import java.util.List;
import java.util.Set;

/** Looks the request's hash key up on a {@link HashRing}; no key means a weighted random pick. */
final class RingHashPicker extends EndpointPicker {

  private final HashRing ring;
  private final WeightedSampler sampler;

  RingHashPicker(List<Endpoint> endpoints, int minRingSize) {
    super(endpoints, null);
    this.ring = HashRing.build(this.endpoints, minRingSize);
    this.sampler = WeightedSampler.of(this.endpoints);
  }

  @Override
  int choose(PickRequest request) {
    String key = request.hashKey();
    return key == null ? sampler.sample() : ring.ownerOf(ring.nodeFor(XxHash64.hash(key, 0)));
  }

  /** Walk on along the ring (as Envoy does), so a key's retries also land consistently. */
  @Override
  int chooseAvoiding(PickRequest request, int firstChoice) {
    String key = request.hashKey();
    Set<Endpoint> avoid = request.avoid();
    if (key == null || countNotIn(avoid) == 0) {
      return super.chooseAvoiding(request, firstChoice);
    }
    int start = ring.nodeFor(XxHash64.hash(key, 0));
    for (int step = 1; step < ring.size(); step++) {
      int owner = ring.ownerOf((start + step) % ring.size());
      if (!avoid.contains(endpoints[owner])) {
        return owner;
      }
    }
    // an allowed endpoint without ring nodes (more endpoints than nodes): any allowed one
    return super.chooseAvoiding(request, firstChoice);
  }
}
