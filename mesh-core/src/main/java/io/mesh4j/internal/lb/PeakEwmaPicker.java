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

  /**
   * Reads the clock only when one candidate is idle and the other is not: two idle estimates decay
   * by the same factor, so they compare the same at the later of their sample times as now, and
   * busy ones do not decay. The clock read is a good part of a pick's cost.
   */
  @Override
  protected boolean prefersSecond(int first, int second) {
    PeakEwmaLoad a = loads[first];
    PeakEwmaLoad b = loads[second];
    int outstandingA = a.get();
    int outstandingB = b.get();
    if (outstandingA == 0 && outstandingB == 0) {
      long ref = Math.max(a.sampledAtNanos(), b.sampledAtNanos());
      return b.idleCost(ref) / weights[second] < a.idleCost(ref) / weights[first];
    }
    if (outstandingA > 0 && outstandingB > 0) {
      return b.busyCost(outstandingB) / weights[second] < a.busyCost(outstandingA) / weights[first];
    }
    long now = clock.nanoTime();
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
