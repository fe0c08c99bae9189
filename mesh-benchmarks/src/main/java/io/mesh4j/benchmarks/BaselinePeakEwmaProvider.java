package io.mesh4j.benchmarks;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.EndpointStates;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.Picker;
import io.mesh4j.lb.PickerFactory;
import io.mesh4j.lb.SnapshotLoadBalancer;
import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.util.List;

/**
 * Benchmark-only: {@code peak-ewma} as it was before issue 10 changed its estimate (commit
 * cf794e9's {@code PeakEwmaLoad} and {@code PeakEwmaPicker}, copied verbatim as {@code
 * BaselinePeakEwma*}: the allocation-free double buffer, first sample as the estimate, no cap on
 * the weight of the past), so that PickBenchmark and the tuning harness measure before and after
 * side by side in one run. Built on mesh-core's public picker bases; decay fixed at the old
 * default, 10 s.
 */
public final class BaselinePeakEwmaProvider implements LoadBalancerProvider {

  public static final String NAME = "peak-ewma-baseline";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
    MeshClock clock = context.clock();
    long decayNanos = Duration.ofSeconds(10).toNanos();
    EndpointStates<BaselinePeakEwmaLoad> loads =
        new EndpointStates<>(() -> new BaselinePeakEwmaLoad(clock, decayNanos), BaselinePeakEwmaLoad[]::new);
    return new SnapshotLoadBalancer(
        context,
        new PickerFactory() {
          @Override
          public Picker newPicker(List<Endpoint> endpoints, LoadBalancerUpdate update) {
            return new BaselinePeakEwmaPicker(endpoints, loads.retain(endpoints), clock);
          }

          @Override
          public void forgetAll() {
            loads.clear();
          }
        });
  }
}
