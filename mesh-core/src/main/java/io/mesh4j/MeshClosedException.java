package io.mesh4j;

import java.io.IOException;

/**
 * A request to a mesh service was made through a client whose {@link MeshClient} is closed or
 * shutting down, or the client was closed while the request was under way. {@link
 * MeshClient#wrap} throws it too once the client is closed.
 */
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
            + "' was in flight (close(), or shutdown(grace) once the grace period is over, cancels"
            + " in-flight calls)",
        true);
  }

  /** A new request refused because {@link MeshClient#shutdown} has begun: in-flight ones go on. */
  public static MeshClosedException shuttingDown(String service) {
    return new MeshClosedException(
        "MeshClient is shutting down: cannot send new request to service '" + service
            + "' (requests already in flight may finish)",
        true);
  }

  /**
   * A configuration overlay's change ({@code source}, e.g. "overlay xds") came after a shutdown began
   * or the client closed.
   */
  public static MeshClosedException overlayRefused(String ownService, boolean closed, String source) {
    return new MeshClosedException(
        "MeshClient of service '" + ownService + "' is " + (closed ? "closed" : "shutting down")
            + ": the change of " + source + " was not applied", true);
  }

  /** {@link MeshClient#wrap} called on a closed (or shutting down) client. */
  static MeshClosedException cannotWrap(String ownService, boolean closed) {
    return new MeshClosedException(
        "MeshClient of service '" + ownService + "' is " + (closed ? "closed" : "shutting down")
            + ": cannot wrap an OkHttpClient; create a new MeshClient",
        true);
  }
}
