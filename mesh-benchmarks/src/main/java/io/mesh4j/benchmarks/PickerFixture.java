package io.mesh4j.benchmarks;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.Picker;
import io.mesh4j.testing.lb.TestLoadBalancerContext;
import io.mesh4j.time.MeshClock;
import java.util.ArrayList;
import java.util.List;
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
    TestLoadBalancerContext context =
        TestLoadBalancerContext.forService(BenchMesh.SERVICE).clock(MeshClock.SYSTEM).build();
    LoadBalancer balancer = provider.newLoadBalancer(context);
    balancer.update(context.update(endpoints(endpointCount)));
    if (context.pickerUpdates() == 0) {
      throw new IllegalStateException(policy + " published no picker");
    }
    return context.picker();
  }

  /** Equal weights (the common case); the addresses are never dialled. */
  static List<Endpoint> endpoints(int count) {
    List<Endpoint> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(Endpoint.of("10.0." + (i / 250) + "." + (1 + i % 250), 8080));
    }
    return out;
  }

}
