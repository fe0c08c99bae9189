package io.mesh4j.internal.lb;

import io.mesh4j.lb.EndpointPicker;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.PickRequest;
import java.util.List;

/** A weighted random endpoint per pick. */
final class RandomPicker extends EndpointPicker {

  private final WeightedSampler sampler;

  RandomPicker(List<Endpoint> endpoints, LoadBalancerUpdate update) {
    super(endpoints, null);
    this.sampler = WeightedSampler.of(update.weightsOf(endpoints));
  }

  @Override
  protected int choose(PickRequest request) {
    return sampler.sample();
  }
}
