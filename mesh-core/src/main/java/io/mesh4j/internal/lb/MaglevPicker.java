package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.PickRequest;
import java.util.List;
import java.util.Set;

/** Looks the request's hash key up in a {@link MaglevTable}; no key means a weighted random pick. */
final class MaglevPicker extends EndpointPicker {

  private final MaglevTable table;
  private final WeightedSampler sampler;

  MaglevPicker(List<Endpoint> endpoints, int tableSize) {
    super(endpoints, null);
    this.table = MaglevTable.build(this.endpoints, tableSize);
    this.sampler = WeightedSampler.of(this.endpoints);
  }

  @Override
  int choose(PickRequest request) {
    String key = request.hashKey();
    return key == null ? sampler.sample() : table.ownerOf(table.slotFor(XxHash64.hash(key, 0)));
  }

  /** Walk on through the table from the key's slot, so a key's retries also land consistently. */
  @Override
  int chooseAvoiding(PickRequest request, int firstChoice) {
    String key = request.hashKey();
    Set<Endpoint> avoid = request.avoid();
    if (key == null || countNotIn(avoid) == 0) {
      return super.chooseAvoiding(request, firstChoice);
    }
    int start = table.slotFor(XxHash64.hash(key, 0));
    for (int step = 1; step < table.size(); step++) {
      int owner = table.ownerOf((start + step) % table.size());
      if (!avoid.contains(endpoints[owner])) {
        return owner;
      }
    }
    // an allowed endpoint without slots (more endpoints than slots): any allowed one
    return super.chooseAvoiding(request, firstChoice);
  }
}
