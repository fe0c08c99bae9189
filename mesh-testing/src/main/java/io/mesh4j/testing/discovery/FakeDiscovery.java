package io.mesh4j.testing.discovery;

import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryBackendContext;
import io.mesh4j.discovery.DiscoveryContext;
import io.mesh4j.discovery.DiscoveryListener;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.Endpoint;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A discovery provider a test drives by hand: register it with {@code
 * MeshClient.builder().discoveryProvider(fake)}, select it with {@code
 * mesh.services.<name>.discovery=fake}, then {@link #setEndpoints}, {@link #setUpdate} or {@link
 * #fail} at will. State set before the mesh subscribes is delivered when it does. It counts
 * backend opens and {@code refresh()} calls, so tests can check what the mesh asked of it.
 */
public final class FakeDiscovery implements DiscoveryProvider {

  private final String name;
  private final Map<String, Object> state = new ConcurrentHashMap<>();
  private final Map<String, DiscoveryListener> listeners = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> refreshes = new ConcurrentHashMap<>();
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();
  private volatile DiscoveryBackendContext context;

  public FakeDiscovery() {
    this("fake");
  }

  public FakeDiscovery(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public DiscoveryBackend open(DiscoveryBackendContext context) {
    opened.incrementAndGet();
    this.context = context;
    return new DiscoveryBackend() {
      @Override
      public Discovery watch(DiscoveryContext service) {
        return FakeDiscovery.this.watch(service);
      }

      @Override
      public void close() {
        closed.incrementAndGet();
      }
    };
  }

  private Discovery watch(DiscoveryContext context) {
    String service = context.serviceName();
    DiscoveryListener listener = context.listener();
    listeners.put(service, listener);
    deliver(service);
    return new Discovery() {
      @Override
      public void refresh() {
        refreshes.computeIfAbsent(service, s -> new AtomicInteger()).incrementAndGet();
      }

      @Override
      public void close() {
        listeners.remove(service, listener);
      }
    };
  }

  /**
   * The configuration overlay of the backend the mesh opened last (named after this provider), so
   * a test can contribute keys and services as a control plane would.
   *
   * @throws IllegalStateException before the mesh opened a backend of this provider
   */
  public io.mesh4j.config.ConfigOverlay configOverlay() {
    DiscoveryBackendContext c = context;
    if (c == null) {
      throw new IllegalStateException("no mesh has opened discovery '" + name + "' yet");
    }
    return c.configOverlay();
  }

  /** Publishes a complete endpoint list for a service. */
  public void setEndpoints(String service, List<Endpoint> endpoints) {
    setUpdate(service, DiscoveryUpdate.of(endpoints));
  }

  /** Publishes a complete update (endpoints and service attributes) for a service. */
  public void setUpdate(String service, DiscoveryUpdate update) {
    state.put(service, update);
    deliver(service);
  }

  /** Makes the backend fail for a service. */
  public void fail(String service, Throwable error) {
    state.put(service, error);
    deliver(service);
  }

  /** True while a mesh is subscribed to the service. */
  public boolean isWatched(String service) {
    return listeners.containsKey(service);
  }

  /** How many times the mesh asked for a new resolution of the service. */
  public int refreshes(String service) {
    AtomicInteger n = refreshes.get(service);
    return n == null ? 0 : n.get();
  }

  /** How many backends were opened (one per client that uses this provider). */
  public int backendsOpened() {
    return opened.get();
  }

  /** How many backends were closed. */
  public int backendsClosed() {
    return closed.get();
  }

  private void deliver(String service) {
    DiscoveryListener listener = listeners.get(service);
    Object current = state.get(service);
    if (listener == null || current == null) {
      return;
    }
    if (current instanceof Throwable error) {
      listener.onError(error);
    } else {
      listener.onUpdate((DiscoveryUpdate) current);
    }
  }
}
