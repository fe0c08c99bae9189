package io.mesh4j.benchmarks;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.Locality;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerKeys;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.MeshLoadBalancers;
import io.mesh4j.lb.Picker;
import io.mesh4j.lb.SlowStartLoadBalancer;
import io.mesh4j.testing.lb.TestLoadBalancerContext;
import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Builds a policy's {@link Picker} the way the mesh does (ServiceLoader by name, then one endpoint
 * update; with {@code +slow-start}, wrapped in slow start as the mesh wraps it; with a zone routing,
 * inside the mesh's priority and zone wrappers), without a pipeline around it, so that only the pick
 * itself is timed. Close it to stop the context's scheduler (slow start's steps).
 */
final class PickerFixture implements AutoCloseable {

  static final String SLOW_START = "+slow-start";

  private final TestLoadBalancerContext context;
  private final LoadBalancer balancer;

  private PickerFixture(TestLoadBalancerContext context, LoadBalancer balancer) {
    this.context = context;
    this.balancer = balancer;
  }

  static PickerFixture of(String policy, int endpointCount) {
    return of(policy, endpointCount, "flat");
  }

  /**
   * @param routing {@code flat}: the policy alone (slow start directly around it for {@code
   *     +slow-start}); {@code zone-direct}: the policy inside the mesh's priority and zone wrappers
   *     ({@link MeshLoadBalancers#wrap}), the endpoints spread over 3 zones, the client in zone-0,
   *     all healthy: every pick stays in zone-0; {@code zone-residual}: the same with a third of
   *     zone-0's endpoints excluded (unhealthy), so zone-0 keeps 75 % and a random draw sends the
   *     rest to the other zones
   */
  static PickerFixture of(String policy, int endpointCount, String routing) {
    boolean slowStart = policy.endsWith(SLOW_START);
    String name = slowStart ? policy.substring(0, policy.length() - SLOW_START.length()) : policy;
    LoadBalancerProvider provider =
        ServiceLoader.load(LoadBalancerProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals(name))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no load-balancing policy " + name));
    TestLoadBalancerContext.Builder builder = TestLoadBalancerContext.forService(BenchMesh.SERVICE)
        .clock(MeshClock.SYSTEM).locality(Locality.zone("zone-0"));
    if (slowStart) {
      builder.set(LoadBalancerKeys.SLOW_START_WINDOW, Duration.ofHours(1));
    }
    TestLoadBalancerContext context = builder.build();
    LoadBalancer balancer;
    switch (routing) {
      case "flat" -> {
        List<Endpoint> all = endpoints(endpointCount);
        if (slowStart) {
          balancer = new SlowStartLoadBalancer(context, provider);
          // the first nine tenths at startup (not ramped), the last tenth (at least one) joins after
          int ramping = Math.max(1, endpointCount / 10);
          balancer.update(context.update(all.subList(0, endpointCount - ramping)));
        } else {
          balancer = provider.newLoadBalancer(context);
        }
        balancer.update(context.update(all));
      }
      case "zone-direct" -> {
        balancer = MeshLoadBalancers.wrap(provider, context);
        balancer.update(context.update(zoned(endpointCount), List.of()));
      }
      case "zone-residual" -> {
        List<Endpoint> eligible = new ArrayList<>();
        List<Endpoint> excluded = new ArrayList<>();
        int local = 0;
        for (Endpoint e : zoned(endpointCount)) {
          boolean drop = e.zone().equals("zone-0") && local++ % 3 == 0;
          (drop ? excluded : eligible).add(e);
        }
        balancer = MeshLoadBalancers.wrap(provider, context);
        balancer.update(context.update(eligible, excluded));
      }
      default -> throw new IllegalArgumentException(
          "routing " + routing + " (expected: flat, zone-direct, zone-residual)");
    }
    if (context.pickerUpdates() == 0) {
      throw new IllegalStateException(policy + " published no picker");
    }
    return new PickerFixture(context, balancer);
  }

  /** The picker the last update published. */
  Picker picker() {
    return context.picker();
  }

  @Override
  public void close() {
    balancer.close();
    context.close();
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
