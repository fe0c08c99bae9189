package io.mesh4j.internal.lb;

import io.mesh4j.lb.EndpointPicker;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.PickRequest;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Walks a {@link SmoothWeightedSchedule} with one atomic counter: lock-free smooth WRR. */
final class WeightedRoundRobinPicker extends EndpointPicker {

  private final int[] schedule;
  private final AtomicInteger next;

  WeightedRoundRobinPicker(List<Endpoint> endpoints, LoadBalancerUpdate update) {
    super(endpoints, null);
    this.schedule = SmoothWeightedSchedule.of(update.weightsOf(endpoints));
    // a random phase, so that clients updated together do not send their bursts in step
    this.next = new AtomicInteger(ThreadLocalRandom.current().nextInt(schedule.length));
  }

  @Override
  protected int choose(PickRequest request) {
    return schedule[Math.floorMod(next.getAndIncrement(), schedule.length)];
  }
}
