package io.mesh4j.discovery;

import java.util.List;

/**
 * Receives what a {@link Discovery} finds. Each update is a complete snapshot, never a delta. The
 * mesh's implementation is thread-safe, serializes calls, ignores an update equal to the last and
 * never blocks for long, so a provider may call it from any thread.
 */
public interface DiscoveryListener {

  /** The service's complete endpoint list and attributes now; the list may be empty. */
  void onUpdate(DiscoveryUpdate update);

  /**
   * The backend could not be read. The mesh keeps serving the last good update, if it has one, and
   * reports the error to callers only while it has none. Say what failed and where (the server,
   * the file): the message reaches logs and request errors as is.
   */
  void onError(Throwable error);

  /** Shorthand for an update without service attributes. */
  default void onEndpoints(List<Endpoint> endpoints) {
    onUpdate(DiscoveryUpdate.of(endpoints));
  }
}
