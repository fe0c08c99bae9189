package io.mesh4j.discovery;

import java.util.List;

/**
 * Receives what a {@link Discovery} finds. Each call carries a complete snapshot, never a delta.
 * The mesh's implementation is thread-safe, serializes calls and never blocks, so a provider may
 * call it from any thread.
 */
public interface DiscoveryListener {

  /** The service's complete endpoint list now; may be empty (the service has no endpoints). */
  void onEndpoints(List<Endpoint> endpoints);

  /**
   * The backend could not be read. The mesh keeps serving the last good list, if it has one, and
   * reports the error to callers only while it has none.
   */
  void onError(Throwable error);
}
