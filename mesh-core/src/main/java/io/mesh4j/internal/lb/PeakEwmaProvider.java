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
import java.util.function.UnaryOperator;

/** {@code peak-ewma}, the default policy: P2C on peak-EWMA latency × outstanding requests. */
public final class PeakEwmaProvider implements LoadBalancerProvider {

  public static final String NAME = "peak-ewma";

  /** {@code mesh.services.<name>.lb.peak-ewma.decay}. */
  public static final ConfigKey<Duration> DECAY =
      ConfigKey.service("lb.peak-ewma.decay", ValueParsers.positiveDuration())
          .defaultValue(Duration.ofMillis(250))
          .description(
              "Time constant of the decay of peak-EWMA's latency estimate towards zero while an"
                  + " endpoint gets no answers: how soon an endpoint shunned for a slow answer is"
                  + " tried again.")
          .build();

  /** {@code mesh.services.<name>.lb.peak-ewma.default-rtt}. */
  public static final ConfigKey<Duration> DEFAULT_RTT =
      ConfigKey.service("lb.peak-ewma.default-rtt", ValueParsers.duration(Duration.ZERO))
          .defaultValue(Duration.ofMillis(10))
          .description(
              "Latency peak-EWMA assumes for an endpoint before its first answer (decaying like a"
                  + " measured one).")
          .build();

  private final String name;
  private final UnaryOperator<PeakEwmaTuning> fixedConstants;

  public PeakEwmaProvider() {
    this(NAME, UnaryOperator.identity());
  }

  /** For the tuning harness (mesh-benchmarks): the same policy with other fixed constants. */
  PeakEwmaProvider(String name, UnaryOperator<PeakEwmaTuning> fixedConstants) {
    this.name = name;
    this.fixedConstants = fixedConstants;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<ConfigKey<?>> serviceKeys() {
    return List.of(DECAY, DEFAULT_RTT);
  }

  @Override
  public boolean supportsSlowStart() {
    return true;
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
    return new SnapshotLoadBalancer(context, new Pickers(context.clock(), fixedConstants));
  }

  /**
   * Keeps each endpoint's latency estimate and outstanding count across updates. A changed {@code
   * lb.peak-ewma.decay} or {@code default-rtt} starts every estimate afresh with the new constants.
   */
  static final class Pickers implements PickerFactory {
    private final MeshClock clock;
    private final UnaryOperator<PeakEwmaTuning> fixedConstants;
    private PeakEwmaTuning tuning;
    private EndpointStates<PeakEwmaLoad> loads;

    Pickers(MeshClock clock) {
      this(clock, UnaryOperator.identity());
    }

    Pickers(MeshClock clock, UnaryOperator<PeakEwmaTuning> fixedConstants) {
      this.clock = clock;
      this.fixedConstants = fixedConstants;
    }

    @Override
    public Picker newPicker(List<Endpoint> endpoints, LoadBalancerUpdate update) {
      PeakEwmaTuning configured =
          fixedConstants.apply(PeakEwmaTuning.of(update.config().get(DECAY), update.config().get(DEFAULT_RTT)));
      if (!configured.equals(tuning)) {
        PeakEwmaTuning t = configured;
        tuning = configured;
        loads = new EndpointStates<>(() -> new PeakEwmaLoad(clock, t), PeakEwmaLoad[]::new);
      }
      return new PeakEwmaPicker(endpoints, update, loads.retain(endpoints), clock);
    }

    @Override
    public void forgetAll() {
      if (loads != null) {
        loads.clear();
      }
    }
  }
}
