package io.mesh4j.lb;

/**
 * The mutable half of a policy: it receives updates (serialized, never concurrently with itself)
 * and publishes a new {@link Picker} through {@link LoadBalancerContext#updatePicker}. Per-endpoint
 * state (counters, EWMA) should survive an update for endpoints that remain ({@link
 * EndpointStates} keeps it by address).
 */
public interface LoadBalancer extends AutoCloseable {

  /**
   * The endpoints to balance over now, with the service's current configuration: read the
   * policy's own keys here on every update, so that an edit of {@code lb.*} applies live.
   */
  void update(LoadBalancerUpdate update);

  /**
   * Releases what the policy holds (timers, children). The last published picker may still be used
   * afterwards by requests that started before, and its trackers told of their attempts.
   */
  @Override
  default void close() {}
}
