package io.mesh4j.discovery;

/** A running subscription to one service's endpoints. Closing it stops every thread and timer it uses. */
@FunctionalInterface
public interface Discovery extends AutoCloseable {

  /**
   * Asks for a new resolution as soon as sensible (the mesh calls it, rate-limited, when it cannot
   * connect to an endpoint: the address may be stale). Push-based sources that watch can ignore
   * it; pollers re-resolve now rather than at the next tick. Must not block.
   */
  default void refresh() {}

  @Override
  void close();
}
