package io.mesh4j.discovery;

/**
 * A discovery provider's connection to its backend in one client: one etcd client, one
 * Kubernetes informer, one DNS resolver, shared by every service that uses the provider. Opened
 * when the first such service starts, closed when the client closes.
 */
@FunctionalInterface
public interface DiscoveryBackend extends AutoCloseable {

  /**
   * Starts watching one service and returns at once: slow work runs on the context's scheduler or
   * on threads from its thread factory, and results (or errors) reach the context's listener.
   * Called again with a new context when the service's discovery keys change.
   */
  Discovery watch(DiscoveryContext context);

  /** Stops what the backend runs (clients, threads, timers). */
  @Override
  default void close() {}
}
