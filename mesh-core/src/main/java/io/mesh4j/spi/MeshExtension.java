package io.mesh4j.spi;

import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.pipeline.MeshStage;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import okhttp3.Interceptor;

/** What one module contributes to one {@link io.mesh4j.MeshClient}; closed with the client. */
public interface MeshExtension extends AutoCloseable {

  /** Stages for the request pipeline of mesh routes; ordered by {@link MeshStage#order()}. */
  default List<MeshStage> stages() {
    return List.of();
  }

  /** How mesh connections are secured, when this module does that (at most one module may). */
  default Optional<TransportSecurity> transportSecurity() {
    return Optional.empty();
  }

  /**
   * OkHttp network interceptors, run for mesh routes only (they see the connection, its handshake
   * and every redirect-free attempt). They are skipped for other hosts.
   */
  default List<Interceptor> networkInterceptors() {
    return List.of();
  }

  /**
   * Which responses count as failed, when this module decides that (at most one module may); the
   * load balancer's {@link io.mesh4j.lb.CallTracker} is told the same. Default: none (5xx fail).
   */
  default Optional<ResponseClassifier> responseClassifier() {
    return Optional.empty();
  }

  /**
   * Carries thread-bound state of the request that this module keeps (a trace context) to another
   * thread working on the same request: an attempt of {@link
   * io.mesh4j.pipeline.MeshChain#concurrentAttempts}. Called on the request's thread; the returned
   * operator wraps a task so that it runs with that state, then restores the thread's own. Default:
   * nothing to carry.
   */
  default UnaryOperator<Runnable> captureRequestContext() {
    return UnaryOperator.identity();
  }

  /** Filters applied, in module order, to each service's endpoints before load balancing. */
  default List<EndpointFilter> endpointFilters() {
    return List.of();
  }

  /**
   * A service became a mesh route: at startup (before {@link #started()}) or when a configuration
   * change adds it. Called before its first request, on the thread that applies the change; create
   * the service's state here. From this call on, {@link MeshContext#service} answers for it (the
   * route starts right after, and its endpoint filters may run before its first request). Must be
   * quick (a change blocks the next change and {@code close()} until it ends); an exception
   * refuses the configuration that added it.
   */
  default void onServiceAdded(ServiceConfig service) {}

  /**
   * A running service's configuration changed. Keep what still holds (a circuit's state when only
   * the timeout changed, an endpoint's statistics) and rebuild what the change touched. Requests
   * already under way may still use the previous state. Called before the route switches to the
   * new configuration: {@link MeshContext#service} still returns the previous snapshot here. A
   * change of discovery attributes alone reaches modules through the snapshots, not through this
   * call. Must be quick and should not throw.
   */
  default void onServiceUpdated(ServiceConfig previous, ServiceConfig current) {}

  /**
   * A service was removed: release everything kept for it (timers, threads, memory). Requests to
   * it that are still under way finish without the released state. Must be quick and should not
   * throw.
   */
  default void onServiceRemoved(ServiceConfig last) {}

  /**
   * Global keys this module declared {@linkplain io.mesh4j.config.ConfigKey#appliesLive() live}
   * changed (the services' changes come through the per-service calls).
   */
  default void onConfigChanged(MeshConfig previous, MeshConfig current) {}

  /**
   * Called once after every module and every service of the client has started: the place for
   * wiring to other modules' extensions ({@link MeshContext#extension}).
   */
  default void started() {}

  /** Stops every thread, timer and connection this extension started. Idempotent. */
  @Override
  default void close() {}
}
