package io.mesh4j.resilience;

import java.io.InterruptedIOException;

/**
 * A mesh request ran out of time inherited from the inbound request being served (see {@link
 * InboundDeadline}): the caller of this workload has given up, so the mesh stops too. The mesh's own
 * {@code timeout} is reported as {@link io.mesh4j.MeshTimeoutException} instead.
 */
public final class DeadlineExceededException extends InterruptedIOException {

  private static final long serialVersionUID = 1L;

  private final String service;

  public DeadlineExceededException(String service) {
    super("request to service '" + service + "' exceeded the deadline of the inbound request");
    this.service = service;
  }

  public String service() {
    return service;
  }
}
