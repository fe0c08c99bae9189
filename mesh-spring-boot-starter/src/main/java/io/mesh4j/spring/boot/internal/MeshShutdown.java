package io.mesh4j.spring.boot.internal;

import io.mesh4j.MeshClient;
import java.time.Duration;

/** How the starter stops a mesh: refuse new mesh calls, let in-flight ones finish within the grace, then close. */
final class MeshShutdown {

  private MeshShutdown() {}

  /** Stops the mesh within {@code grace}; true when no call had to be cancelled. */
  static boolean shutdown(MeshClient mesh, Duration grace) {
    return mesh.shutdown(grace);
  }
}
