package io.mesh4j;

import java.io.IOException;

/**
 * A request to a mesh service found no endpoint to send to: discovery reports none, every one is
 * excluded, or discovery has failed before ever answering. Thrown from {@code Call.execute()}.
 */
public final class NoHealthyEndpointException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String service;

  public NoHealthyEndpointException(String service, String reason, Throwable cause) {
    super("no healthy endpoint for service '" + service + "': " + reason, cause);
    this.service = service;
  }

  /** The logical service name of the request. */
  public String service() {
    return service;
  }
}
