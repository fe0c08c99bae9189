package io.mesh4j.internal.lb;

import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.SnapshotLoadBalancer;
import io.mesh4j.lb.PickerFactory;
import io.mesh4j.lb.EndpointStates;
import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.Picker;
import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.util.List;

/** {@code peak-ewma}, the default policy: P2C on peak-EWMA latency × outstanding requests. */
public final class PeakEwmaProvider implements LoadBalancerProvider {

  public static final String NAME = "peak-ewma";

  /** {@code mesh.services.<name>.lb.peak-ewma.decay}. */
  public static final ConfigKey<Duration> DECAY =
      ConfigKey.service("lb.peak-ewma.decay", ValueParsers.positiveDuration())
          .defaultValue(Duration.ofSeconds(10))
          .description(
              "Time constant of peak-EWMA's latency estimate: how fast a past latency peak is"
                  + " forgotten when newer samples are lower, or when none arrive.")
          .build();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<ConfigKey<?>> serviceKeys() {
    return List.of(DECAY);
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
    return new SnapshotLoadBalancer(context, new Pickers(context.clock()));
  }

  /**
   * Keeps each endpoint's latency estimate and outstanding count across updates. A changed {@code
   * lb.peak-ewma.decay} starts every estimate afresh with the new time constant.
   */
  static final class Pickers implements PickerFactory {
    private final MeshClock clock;
    private Duration decay;
    private EndpointStates<PeakEwmaLoad> loads;

    Pickers(MeshClock clock) {
      this.clock = clock;
    }

    @Override
    public Picker newPicker(List<Endpoint> endpoints, LoadBalancerUpdate update) {
      Duration configured = update.config().get(DECAY);
      if (!configured.equals(decay)) {
        long decayNanos = configured.toNanos();
        decay = configured;
        loads = new EndpointStates<>(() -> new PeakEwmaLoad(clock, decayNanos), PeakEwmaLoad[]::new);
      }
      return new PeakEwmaPicker(endpoints, loads.retain(endpoints), clock);
    }

    @Override
    public void forgetAll() {
      if (loads != null) {
        loads.clear();
      }
    }
  }
}
