package io.mesh4j;

import java.io.IOException;

/** A request to a mesh service was made through a client whose {@link MeshClient} is closed. */
public final class MeshClosedException extends IOException {

  private static final long serialVersionUID = 1L;

  public MeshClosedException(String service) {
    super("MeshClient is closed: cannot send request to service '" + service + "'");
  }

  private MeshClosedException(String message, boolean unused) {
    super(message);
  }

  /** The client was closed while this request (or the reading of its response) was under way. */
  public static MeshClosedException duringRequest(String service) {
    return new MeshClosedException(
        "MeshClient closed while the request to service '" + service
            + "' was in flight (close() cancels in-flight calls)",
        true);
  }
}
