package io.mesh4j.lb;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.internal.lb.ChildGroups;
import io.mesh4j.internal.lb.GroupPicker;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Priority levels over any policy: one child per priority, each getting the share of the traffic
 * {@link PriorityLoad} gives it — all of it for priority 0 while enough of its endpoints are healthy,
 * spilling to priority 1, 2, ... as its healthy share drops below 1 ÷ the overprovisioning factor
 * ({@code lb.priority.overprovisioning-factor}), and back as it recovers. A priority in panic
 * balances over all its endpoints and tells its child so ({@link LoadBalancerUpdate#panic()}). A
 * retry that has tried every endpoint of its priority moves to the next one that has an untried
 * endpoint.
 *
 * <p>With a single priority, or no excluded endpoints, all traffic goes to the lowest priority
 * present, and its child's picker is published as it is.
 */
public final class PriorityLoadBalancer implements LoadBalancer {

  private final LoadBalancerContext context;
  private final ChildGroups children;

  /** @param child creates the policy (or the next wrapper) that balances within one priority */
  public PriorityLoadBalancer(LoadBalancerContext context, Function<LoadBalancerContext, LoadBalancer> child) {
    this.context = Objects.requireNonNull(context, "context");
    this.children = new ChildGroups(context, child, GroupPicker.RetryRule.SAME_GROUP_FIRST);
  }

  @Override
  public void update(LoadBalancerUpdate update) {
    PriorityLoad load = PriorityLoad.of(update);
    List<ChildGroups.Group> groups = new ArrayList<>();
    for (PriorityLoad.Level level : load.levels()) {
      boolean panic = update.panic() || level.panic();
      List<Endpoint> endpoints = level.endpoints();
      if (endpoints.isEmpty()) {
        continue; // nothing healthy and no panic: it gets no traffic (its load is 0)
      }
      List<Endpoint> excluded = endpoints.size() == level.size() ? List.of() : level.excluded();
      groups.add(new ChildGroups.Group(
          "priority:" + level.priority(), update.withEndpoints(endpoints, excluded, panic),
          level.load() * (GroupPicker.SCALE / 100)));
    }
    children.update(groups, groups.isEmpty() ? -1 : 0, none(update));
  }

  @Override
  public void close() {
    children.close();
  }

  private Picker none(LoadBalancerUpdate update) {
    String service = context.serviceName();
    PickResult none = update.excluded().isEmpty()
        ? PickResult.noEndpoint("no endpoints for service " + service)
        : PickResult.noEndpoint("no healthy endpoints for service " + service + ": all "
            + update.excluded().size() + " are unhealthy, draining or ejected");
    return request -> none;
  }
}
