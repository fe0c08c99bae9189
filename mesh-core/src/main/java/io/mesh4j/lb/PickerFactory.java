package io.mesh4j.lb;

import io.mesh4j.discovery.Endpoint;
import java.util.List;

/**
 * Builds a policy's picker for one endpoint list; the policy part of a {@link
 * SnapshotLoadBalancer}. Called only from it, serially: a factory may keep per-endpoint state in
 * plain collections ({@link EndpointStates}).
 */
@FunctionalInterface
public interface PickerFactory {

  /**
   * @param endpoints non-empty, distinct by {@code host:port}, all of the lowest priority present,
   *     in discovery order
   * @param update the whole update, for the policy's keys ({@code update.config()}) and attributes
   */
  Picker newPicker(List<Endpoint> endpoints, LoadBalancerUpdate update);

  /** Every endpoint is gone: drop per-endpoint state so that a returning endpoint starts afresh. */
  default void forgetAll() {}
}
