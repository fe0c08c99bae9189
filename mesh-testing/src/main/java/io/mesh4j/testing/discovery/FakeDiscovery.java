package io.mesh4j.testing.discovery;

import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryContext;
import io.mesh4j.discovery.DiscoveryListener;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.Endpoint;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A discovery provider a test drives by hand: register it with {@code
 * MeshClient.builder().discoveryProvider(fake)}, select it with {@code
 * mesh.services.<name>.discovery=fake}, then {@link #setEndpoints} or {@link #fail} at will.
 * State set before the mesh starts is delivered when it subscribes.
 */
public final class FakeDiscovery implements DiscoveryProvider {

  private final String name;
  private final Map<String, Object> state = new ConcurrentHashMap<>();
  private final Map<String, DiscoveryListener> listeners = new ConcurrentHashMap<>();

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
  public Discovery start(DiscoveryContext context) {
    String service = context.serviceName();
    listeners.put(service, context.listener());
    deliver(service);
    return () -> listeners.remove(service, context.listener());
  }

  /** Publishes a complete endpoint list for a service. */
  public void setEndpoints(String service, List<Endpoint> endpoints) {
    state.put(service, List.copyOf(endpoints));
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

  @SuppressWarnings("unchecked")
  private void deliver(String service) {
    DiscoveryListener listener = listeners.get(service);
    Object current = state.get(service);
    if (listener == null || current == null) {
      return;
    }
    if (current instanceof Throwable) {
      listener.onError((Throwable) current);
    } else {
      listener.onEndpoints((List<Endpoint>) current);
    }
  }
}
