package io.mesh4j.lb;

import io.mesh4j.discovery.Endpoint;
import java.util.List;

/**
 * The mutable half of a policy: it receives endpoint lists (serialized, never concurrently with
 * itself) and publishes a new {@link Picker} through {@link LoadBalancerContext#updatePicker}.
 * Per-endpoint state (counters, EWMA) should survive an update for endpoints that remain.
 */
public interface LoadBalancer extends AutoCloseable {

  /** A complete, possibly empty list of the endpoints currently eligible for traffic. */
  void updateEndpoints(List<Endpoint> endpoints);

  /** Releases what the policy holds; the last published picker may still be used afterwards. */
  @Override
  default void close() {}
}
