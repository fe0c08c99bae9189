package io.mesh4j.benchmarks;

import io.mesh4j.MeshClient;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.Picker;
import io.mesh4j.time.MeshClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Builds a policy's {@link Picker} the way the mesh does (ServiceLoader by name, then one endpoint
 * update), without a pipeline around it, so that only the pick itself is timed.
 */
final class PickerFixture {

  private PickerFixture() {}

  static Picker picker(String policy, int endpointCount) {
    LoadBalancerProvider provider =
        ServiceLoader.load(LoadBalancerProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals(policy))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no load-balancing policy " + policy));
    Context context = new Context(serviceConfig(policy));
    LoadBalancer balancer = provider.newLoadBalancer(context);
    balancer.updateEndpoints(endpoints(endpointCount));
    if (context.picker == null) {
      throw new IllegalStateException(policy + " published no picker");
    }
    return context.picker;
  }

  /** Equal weights (the common case); the addresses are never dialled. */
  static List<Endpoint> endpoints(int count) {
    List<Endpoint> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(Endpoint.of("10.0." + (i / 250) + "." + (1 + i % 250), 8080));
    }
    return out;
  }

  /** ServiceConfig has no public constructor: take a validated one (defaults only) from a mesh. */
  private static ServiceConfig serviceConfig(String policy) {
    try (MeshClient mesh = BenchMesh.client("127.0.0.1:9", policy, Map.of())) {
      return mesh.config().service(BenchMesh.SERVICE).orElseThrow();
    }
  }

  private static final class Context implements LoadBalancerContext {
    private final ServiceConfig config;
    private volatile Picker picker;

    Context(ServiceConfig config) {
      this.config = config;
    }

    @Override
    public String serviceName() {
      return config.name();
    }

    @Override
    public ServiceConfig config() {
      return config;
    }

    @Override
    public MeshClock clock() {
      return MeshClock.SYSTEM;
    }

    @Override
    public void updatePicker(Picker next) {
      this.picker = next;
    }
  }
}
