package io.mesh4j.internal.lb;

import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.OutstandingRequests;
import io.mesh4j.lb.PowerOfTwoChoicesPicker;
import io.mesh4j.discovery.Endpoint;
import java.util.List;

/** P2C on outstanding requests per unit of weight. */
final class LeastRequestPicker extends PowerOfTwoChoicesPicker<OutstandingRequests> {

  LeastRequestPicker(List<Endpoint> endpoints, LoadBalancerUpdate update, OutstandingRequests[] loads) {
    super(endpoints, update, loads);
  }

  @Override
  protected boolean prefersSecond(int first, int second) {
    // outstanding(b) / weight(b) < outstanding(a) / weight(a), without division
    return (long) loads[second].get() * weights[first] < (long) loads[first].get() * weights[second];
  }
}
