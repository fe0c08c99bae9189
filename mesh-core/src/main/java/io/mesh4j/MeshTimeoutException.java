package io.mesh4j;

import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * A request to a mesh service did not complete within its deadline: the service's {@code timeout},
 * or an earlier deadline a stage set (the caller's propagated deadline). The one timeout type of
 * the mesh; the message says which deadline ran out.
 */
public final class MeshTimeoutException extends InterruptedIOException {

  private static final long serialVersionUID = 1L;

  private final String service;

  /** The service's own {@code timeout} ran out. */
  public MeshTimeoutException(String service, Duration timeout) {
    this(service, "timed out after " + timeout.toMillis() + "ms (mesh.services." + service + ".timeout)");
  }

  /**
   * @param detail what ran out, after "request to service 'x' ": {@code "exceeded the caller's
   *     deadline (x-mesh-deadline-ms) of 150ms"}
   */
  public MeshTimeoutException(String service, String detail) {
    super("request to service '" + service + "' " + detail);
    this.service = service;
  }

  public String service() {
    return service;
  }
}
