package io.mesh4j.spi;

import io.mesh4j.config.MeshConfig;
import io.mesh4j.time.MeshClock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/** What a {@link io.mesh4j.MeshClient} lends to the modules it starts. */
public interface MeshContext {

  MeshConfig config();

  MeshClock clock();

  /**
   * The client's shared scheduler for short timer tasks (rotation, polling, timeouts). Tasks must
   * not block; it is shut down by {@link io.mesh4j.MeshClient#close()}. Do not shut it down.
   */
  ScheduledExecutorService scheduler();

  /**
   * A factory for threads a module needs of its own (a blocking watch, a server loop): daemon
   * threads named {@code mesh4j-<purpose>-N}. The module still stops them in its close().
   */
  ThreadFactory threadFactory(String purpose);

  /**
   * Re-applies the {@link EndpointFilter}s to the service's last discovered endpoints and hands
   * the result to its load balancer: call it when a filter's verdict changed (an endpoint was
   * ejected or re-admitted). Cheap to call from any thread; ignored for unknown services.
   */
  void refreshEndpoints(String service);

  /** The services this mesh routes, by name. */
  java.util.Set<String> services();

  /** What the mesh knows of a service's endpoints now, or empty for an unknown service. */
  Optional<io.mesh4j.discovery.DiscoveryStatus> discoveryStatus(String service);

  /**
   * The transport security of mesh connections (mTLS), once every module has started: for a
   * module that opens connections of its own to endpoints, such as health checks.
   */
  Optional<TransportSecurity> transportSecurity();
}
