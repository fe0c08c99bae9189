package io.mesh4j.internal.runtime;

import io.mesh4j.MeshException;
import io.mesh4j.pipeline.MeshStage;
import java.util.Comparator;
import java.util.List;

/** Sorts one kind's stages by order and refuses ties: two stages must never depend on module load order. */
final class StageOrdering {

  private StageOrdering() {}

  static void sort(List<MeshStage> stages) {
    stages.sort(Comparator.comparingInt(MeshStage::order));
    for (int i = 1; i < stages.size(); i++) {
      MeshStage a = stages.get(i - 1);
      MeshStage b = stages.get(i);
      if (a.order() == b.order()) {
        throw new MeshException(
            "mesh stages '" + a.name() + "' (" + a.getClass().getName() + ") and '" + b.name() + "' ("
                + b.getClass().getName() + ") both have " + a.kind() + " order " + a.order()
                + ": each order may be used once per kind (built-in orders: io.mesh4j.pipeline.StageOrder)");
      }
    }
  }
}
