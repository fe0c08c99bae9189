package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.Picker;
import java.util.List;

/**
 * Builds a policy's picker for one endpoint list. Called only from {@link SnapshotLoadBalancer},
 * serially; so a factory may keep per-endpoint state in plain collections.
 */
interface PickerFactory {

  /**
   * @param endpoints non-empty, distinct by {@code host:port}, in discovery order
   */
  Picker newPicker(List<Endpoint> endpoints);

  /** Every endpoint is gone: drop per-endpoint state so that a returning endpoint starts afresh. */
  default void forgetAll() {}
}
