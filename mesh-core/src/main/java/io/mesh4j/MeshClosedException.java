package io.mesh4j;

import java.io.IOException;

/** A request to a mesh service was made through a client whose {@link MeshClient} is closed. */
public final class MeshClosedException extends IOException {

  private static final long serialVersionUID = 1L;

  public MeshClosedException(String service) {
    super("MeshClient is closed: cannot send request to service '" + service + "'");
  }
}
