package io.mesh4j.discovery;

import io.mesh4j.config.MeshConfig;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.time.MeshClock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/** What the mesh lends a {@link DiscoveryProvider} to open its backend in one client. */
public interface DiscoveryBackendContext {

  /** The client's configuration when the backend is opened, for the provider's global keys. */
  MeshConfig meshConfig();

  MeshClock clock();

  /** Shared timer for polling; tasks must not block. Shut down by the mesh, not by providers. */
  ScheduledExecutorService scheduler();

  /** Daemon threads named {@code mesh4j-<purpose>-N}, for work that blocks (a watch); the backend stops them. */
  ThreadFactory threadFactory(String purpose);

  /** The client's event bus. */
  MeshEvents events();

  /**
   * This backend's configuration overlay (named after its provider): per-service keys and whole
   * services the backend contributes under the user's configuration, applied live. A default
   * method so that contexts implemented outside mesh4j (tests of a provider) still compile.
   *
   * @throws UnsupportedOperationException when this context offers no overlay
   */
  default io.mesh4j.config.ConfigOverlay configOverlay() {
    throw new UnsupportedOperationException(getClass().getName() + " offers no configuration overlay: a discovery"
        + " backend that contributes configuration needs the context a MeshClient gives it");
  }
}
