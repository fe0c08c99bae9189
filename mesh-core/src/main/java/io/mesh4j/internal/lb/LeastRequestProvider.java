package io.mesh4j.internal.lb;

import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.SnapshotLoadBalancer;
import io.mesh4j.lb.PickerFactory;
import io.mesh4j.lb.EndpointStates;
import io.mesh4j.lb.OutstandingRequests;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.Picker;
import java.util.List;

/** {@code least-request}: power of two choices on outstanding requests, weighted. */
public final class LeastRequestProvider implements LoadBalancerProvider {

  @Override
  public String name() {
    return "least-request";
  }

  @Override
  public boolean supportsSlowStart() {
    return true;
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
    return new SnapshotLoadBalancer(context, new Pickers());
  }

  /** Keeps each endpoint's outstanding count across updates. */
  static final class Pickers implements PickerFactory {
    private final EndpointStates<OutstandingRequests> loads =
        new EndpointStates<>(OutstandingRequests::new, OutstandingRequests[]::new);

    @Override
    public Picker newPicker(List<Endpoint> endpoints, LoadBalancerUpdate update) {
      return new LeastRequestPicker(endpoints, update, loads.retain(endpoints));
    }

    @Override
    public void forgetAll() {
      loads.clear();
    }
  }
}
