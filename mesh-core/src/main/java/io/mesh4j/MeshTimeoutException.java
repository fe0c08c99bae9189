package io.mesh4j;

import java.io.InterruptedIOException;
import java.time.Duration;

/** A request to a mesh service did not complete within its configured timeout. */
public final class MeshTimeoutException extends InterruptedIOException {

  private static final long serialVersionUID = 1L;

  private final String service;

  public MeshTimeoutException(String service, Duration timeout) {
    super(
        "request to service '"
            + service
            + "' timed out after "
            + timeout.toMillis()
            + "ms (mesh.services."
            + service
            + ".timeout)");
    this.service = service;
  }

  public String service() {
    return service;
  }
}
