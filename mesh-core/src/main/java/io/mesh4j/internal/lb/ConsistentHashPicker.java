package io.mesh4j.internal.lb;

import io.mesh4j.lb.EndpointPicker;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.PickRequest;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Looks the request's hash key up in a {@link HashLookup} (a ring or a Maglev table); no key means
 * a weighted random pick. A retry walks on from the key's slot (as Envoy does), so a key's retries
 * land consistently too.
 */
class ConsistentHashPicker extends EndpointPicker {

  private final HashLookup lookup;
  private final WeightedSampler sampler;

  ConsistentHashPicker(List<Endpoint> endpoints, Function<Endpoint[], HashLookup> lookupBuilder) {
    super(endpoints, null);
    this.lookup = lookupBuilder.apply(this.endpoints);
    this.sampler = WeightedSampler.of(this.endpoints);
  }

  @Override
  protected final int choose(PickRequest request) {
    String key = request.hashKey();
    return key == null ? sampler.sample() : lookup.ownerOf(lookup.slotFor(XxHash64.hash(key, 0)));
  }

  @Override
  protected final int chooseAvoiding(PickRequest request, int firstChoice) {
    String key = request.hashKey();
    Set<Endpoint> avoid = request.avoid();
    if (key == null || countNotIn(avoid) == 0) {
      return super.chooseAvoiding(request, firstChoice);
    }
    int start = lookup.slotFor(XxHash64.hash(key, 0));
    for (int step = 1; step < lookup.size(); step++) {
      int owner = lookup.ownerOf((start + step) % lookup.size());
      if (!avoid.contains(endpoints[owner])) {
        return owner;
      }
    }
    // an allowed endpoint that owns no slot (more endpoints than slots): any allowed one
    return super.chooseAvoiding(request, firstChoice);
  }
}
