package io.mesh4j.benchmarks;

import io.mesh4j.lb.PowerOfTwoChoicesPicker;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.time.MeshClock;
import java.util.List;

/** P2C on cost = latency estimate × (outstanding + 1), per unit of weight. */
final class BaselinePeakEwmaPicker extends PowerOfTwoChoicesPicker<BaselinePeakEwmaLoad> {

  /**
   * Cost of an endpoint with no latency sample yet that already has a request in flight (as
   * Finagle): a new endpoint is tried at once, but gets no more until its first answer comes back.
   */
  static final double UNMEASURED_BUSY_PENALTY = (double) (Long.MAX_VALUE >> 16);

  private final MeshClock clock;

  BaselinePeakEwmaPicker(List<Endpoint> endpoints, BaselinePeakEwmaLoad[] loads, MeshClock clock) {
    super(endpoints, loads);
    this.clock = clock;
  }

  @Override
  protected boolean prefersSecond(int first, int second) {
    long now = clock.nanoTime(); // once per pick, for both candidates
    return cost(second, now) < cost(first, now);
  }

  double cost(int index, long nowNanos) {
    BaselinePeakEwmaLoad load = loads[index];
    int outstanding = load.get();
    double latency = load.decayedLatencyNanos(nowNanos); // one read of the estimate; -1: none yet
    double cost;
    if (latency >= 0) {
      cost = latency * (outstanding + 1);
    } else {
      cost = outstanding == 0 ? 0 : UNMEASURED_BUSY_PENALTY + outstanding;
    }
    return cost / endpoints[index].weight();
  }
}
