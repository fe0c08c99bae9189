package io.mesh4j.lb;

import io.mesh4j.config.ConfigKey;
import java.util.List;

/**
 * A load-balancing policy, found with {@link java.util.ServiceLoader} and chosen by name with
 * {@code mesh.services.<name>.lb}. Stateless and thread-safe; one {@link LoadBalancer} per service.
 */
public interface LoadBalancerProvider {

  /** The value of {@code mesh.services.<name>.lb} that selects this policy, e.g. {@code peak-ewma}. */
  String name();

  /** Per-service keys this policy reads (relative to {@code mesh.services.<name>.}). */
  default List<ConfigKey<?>> serviceKeys() {
    return List.of();
  }

  /**
   * True when the policy spreads traffic in proportion to endpoint weights, so that the mesh's
   * slow start ({@code lb.slow-start.*}, {@link SlowStartLoadBalancer}) can ramp a new endpoint up
   * by lowering its weight for a while. False (the default) for a policy that ignores weights, or
   * for which a changing weight would do harm (consistent hashing: keys would move as it ramps).
   */
  default boolean supportsSlowStart() {
    return false;
  }

  LoadBalancer newLoadBalancer(LoadBalancerContext context);
}
