package io.mesh4j.spi;

import io.mesh4j.config.MeshConfig;
import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.time.MeshClock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/** What a {@link io.mesh4j.MeshClient} lends to the modules it starts. */
public interface MeshContext {

  /**
   * The configuration running now. It changes with live reloads: read it when needed rather than
   * keeping it, and follow services through {@link MeshExtension}'s per-service calls.
   */
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

  /** The client's event bus: publish what the module does, subscribe to what others do. */
  MeshEvents events();

  /**
   * Re-applies the {@link EndpointFilter}s to the service's last discovered endpoints and hands
   * the result to its load balancer: call it when a filter's verdict changed (an endpoint was
   * ejected or re-admitted). Cheap to call from any thread; ignored for unknown services.
   */
  void refreshEndpoints(String service);

  /**
   * Asks the service's discovery for a new resolution (rate-limited), for a module that learns an
   * address is stale. Ignored for unknown services.
   */
  void refreshDiscovery(String service);

  /**
   * Another module's running extension, for cooperation between modules. Complete from {@link
   * MeshExtension#started()} on; empty for a module that is not on the classpath. Prefer {@link
   * #events()} where events say enough.
   */
  <T extends MeshExtension> Optional<T> extension(Class<T> type);

  /** The services this mesh routes now, by name. */
  Set<String> services();

  /** The current snapshot of a service, or empty for one the mesh does not route (now). */
  Optional<ServiceSnapshot> service(String name);

  /** What the mesh knows of a service's endpoints now, or empty for an unknown service. */
  Optional<DiscoveryStatus> discoveryStatus(String service);

  /**
   * The transport security of mesh connections (mTLS), once every module has started: for a
   * module that opens connections of its own to endpoints, such as health checks.
   */
  Optional<TransportSecurity> transportSecurity();
}
