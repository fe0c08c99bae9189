package io.mesh4j.xds.internal.client;

import com.google.protobuf.Message;

/**
 * Receives the updates of one watched resource. Calls are serialized (one at a time, in order) on
 * the client's synchronization context, never under a lock that watch or cancel take; they must be
 * quick and must not block.
 */
public interface ResourceWatcher<T extends Message> {

  /** A new valid version of the watched resource (not called again for identical content). */
  void onResource(T resource);

  /**
   * The resource does not exist: the server removed it (for LDS/CDS, absent from a full response)
   * or did not answer within the missing-resource timeout.
   */
  void onDoesNotExist(String name);

  /**
   * The stream failed or the server's version of this resource was NACKed. The last good resource,
   * if any, stays in force.
   */
  void onError(String reason);
}
