package io.mesh4j.benchmarks;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.Locality;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.MeshLoadBalancers;
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
    return picker(policy, endpointCount, "flat");
  }

  /**
   * @param routing {@code flat}: the policy alone, as before zone-aware routing; {@code zone-direct}:
   *     the policy inside the mesh's priority and zone wrappers ({@link MeshLoadBalancers#wrap}), the
   *     endpoints spread over 3 zones, the client in zone-0, all healthy: every pick stays in
   *     zone-0; {@code zone-residual}: the same with a third of zone-0's endpoints excluded
   *     (unhealthy), so zone-0 keeps 75 % and a random draw sends the rest to the other zones
   */
  static Picker picker(String policy, int endpointCount, String routing) {
    LoadBalancerProvider provider =
        ServiceLoader.load(LoadBalancerProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals(policy))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no load-balancing policy " + policy));
    TestLoadBalancerContext context = TestLoadBalancerContext.forService(BenchMesh.SERVICE)
        .clock(MeshClock.SYSTEM).locality(Locality.zone("zone-0")).build();
    switch (routing) {
      case "flat" -> provider.newLoadBalancer(context).update(context.update(endpoints(endpointCount)));
      case "zone-direct" ->
          MeshLoadBalancers.wrap(provider, context).update(context.update(zoned(endpointCount), List.of()));
      case "zone-residual" -> {
        List<Endpoint> eligible = new ArrayList<>();
        List<Endpoint> excluded = new ArrayList<>();
        int local = 0;
        for (Endpoint e : zoned(endpointCount)) {
          boolean drop = e.zone().equals("zone-0") && local++ % 3 == 0;
          (drop ? excluded : eligible).add(e);
        }
        MeshLoadBalancers.wrap(provider, context).update(context.update(eligible, excluded));
      }
      default -> throw new IllegalArgumentException("routing " + routing + " (expected: flat, zone-direct, zone-residual)");
    }
    if (context.pickerUpdates() == 0) {
      throw new IllegalStateException(policy + " published no picker");
    }
    return context.picker();
  }

  /** {@link #endpoints} with zones zone-0, zone-1, zone-2 in turn. */
  static List<Endpoint> zoned(int count) {
    List<Endpoint> out = new ArrayList<>(count);
    int i = 0;
    for (Endpoint e : endpoints(count)) {
      out.add(e.toBuilder().locality(Locality.zone("zone-" + (i++ % 3))).build());
    }
    return out;
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
