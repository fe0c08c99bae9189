package io.mesh4j.resilience;

import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.resilience.internal.ClientResilience;
import io.mesh4j.resilience.internal.EventDispatcher;
import io.mesh4j.spi.EndpointFilter;
import io.mesh4j.spi.MeshExtension;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import okhttp3.Interceptor;

/**
 * mesh-resilience running in one {@link io.mesh4j.MeshClient}. Public so that other modules can
 * reach it: {@code context.extension(ResilienceExtension.class)} from their {@link
 * MeshExtension#started()} on, to subscribe to this client's events (mesh-tracing records them as
 * metrics) or read a service's state; applications get it with {@code
 * mesh.extension(ResilienceExtension.class)}.
 */
public final class ResilienceExtension implements MeshExtension {

  private final ClientResilience resilience;
  private final EventDispatcher events;
  private final Consumer<ResilienceExtension> onClose; // the module forgets this client

  ResilienceExtension(ClientResilience resilience, EventDispatcher events, Consumer<ResilienceExtension> onClose) {
    this.resilience = resilience;
    this.events = events;
    this.onClose = onClose;
  }

  /**
   * Adds a listener for this client's events (besides those of the {@link ResilienceModule}, which
   * hear every client it runs in). Events that happened before are not replayed.
   */
  public void addListener(ResilienceListener listener) {
    events.addListener(listener);
  }

  public void removeListener(ResilienceListener listener) {
    events.removeListener(listener);
  }

  /** The state of one service now; empty for a service this client does not route, or once closed. */
  public Optional<ServiceResilienceSnapshot> snapshot(String service) {
    return resilience.snapshot(service);
  }

  @Override
  public List<MeshStage> stages() {
    return resilience.stages();
  }

  @Override
  public List<EndpointFilter> endpointFilters() {
    return resilience.endpointFilters();
  }

  @Override
  public List<Interceptor> networkInterceptors() {
    return resilience.networkInterceptors();
  }

  @Override
  public void close() {
    onClose.accept(this);
    resilience.close();
  }
}
