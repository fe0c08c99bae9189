package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.PowerOfTwoChoicesPicker;
import io.mesh4j.time.MeshClock;
import java.util.List;

/** P2C on cost = latency estimate × (outstanding + 1), per unit of weight. */
final class PeakEwmaPicker extends PowerOfTwoChoicesPicker<PeakEwmaLoad> {

  private final MeshClock clock;

  PeakEwmaPicker(List<Endpoint> endpoints, LoadBalancerUpdate update, PeakEwmaLoad[] loads, MeshClock clock) {
    super(endpoints, update, loads);
    this.clock = clock;
  }

  @Override
  protected boolean prefersSecond(int first, int second) {
    long now = clock.nanoTime(); // once per pick, for both candidates
    return cost(second, now) < cost(first, now);
  }

  double cost(int index, long nowNanos) {
    return loads[index].cost(nowNanos) / weights[index];
  }

  /** The latency estimate of endpoint {@code index} now (for tests; picks compare {@link #cost}). */
  double latencyNanos(int index, long nowNanos) {
    return loads[index].latencyNanos(nowNanos);
  }
}
