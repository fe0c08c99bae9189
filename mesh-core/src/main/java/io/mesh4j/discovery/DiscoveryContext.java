package io.mesh4j.discovery;

import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.time.MeshClock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/** What the mesh lends a {@link DiscoveryProvider} to watch one service. */
public interface DiscoveryContext {

  String serviceName();

  ServiceConfig config();

  MeshConfig meshConfig();

  MeshClock clock();

  /** Shared timer for polling; tasks must not block. Shut down by the mesh, not by providers. */
  ScheduledExecutorService scheduler();

  /** Daemon threads named {@code mesh4j-<purpose>-N}, for a provider that must block (a watch). */
  ThreadFactory threadFactory(String purpose);

  /** Where to push snapshots and errors. */
  DiscoveryListener listener();
}
