package io.mesh4j.lb;

/**
 * The load balancer the mesh runs for a service: the service's policy ({@code lb}) inside the
 * mesh's routing by health and locality — {@link PriorityLoadBalancer} → {@link
 * ZoneAwareLoadBalancer} → {@link SlowStartLoadBalancer} (when the policy balances by weight) → the
 * policy. Slow start sits directly around the policy because it re-weighs the endpoints the policy
 * balances over; the wrappers that split endpoints into groups go outside it. Users never name these
 * wrappers; tests of a policy use this to see it as the mesh runs it.
 */
public final class MeshLoadBalancers {

  private MeshLoadBalancers() {}

  /** The policy as the mesh runs it, publishing through {@code context}. */
  public static LoadBalancer wrap(LoadBalancerProvider policy, LoadBalancerContext context) {
    return new PriorityLoadBalancer(context, byPriority -> new ZoneAwareLoadBalancer(
        byPriority, byZone -> SlowStartLoadBalancer.around(policy, byZone)));
  }
}
