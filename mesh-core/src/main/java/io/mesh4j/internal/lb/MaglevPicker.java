package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;
import java.util.List;

/** Consistent hashing on a {@link MaglevTable}. */
final class MaglevPicker extends ConsistentHashPicker {

  MaglevPicker(List<Endpoint> endpoints, int tableSize) {
    super(endpoints, e -> MaglevTable.build(e, tableSize));
  }
}
