package io.mesh4j.internal.lb;

import io.mesh4j.lb.SnapshotLoadBalancer;
import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerKeys;
import io.mesh4j.lb.LoadBalancerProvider;
import java.util.List;

/** {@code ring-hash}: consistent hashing of the hash header's value on a ketama ring. */
public final class RingHashProvider implements LoadBalancerProvider {

  /** {@code mesh.services.<name>.lb.ring-hash.min-ring-size}. */
  public static final ConfigKey<Integer> MIN_RING_SIZE =
      ConfigKey.service(
              "lb.ring-hash.min-ring-size", ValueParsers.integer(1, HashRing.MAX_RING_SIZE))
          .defaultValue(1024)
          .description(
              "Minimum number of virtual nodes on the ring-hash ring (it gets up to about twice"
                  + " as many); more nodes spread keys more evenly at the cost of memory and"
                  + " rebuild time.")
          .build();

  @Override
  public String name() {
    return "ring-hash";
  }

  @Override
  public List<ConfigKey<?>> serviceKeys() {
    return List.of(LoadBalancerKeys.HASH_HEADER, MIN_RING_SIZE);
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
    return new SnapshotLoadBalancer(
        context, (endpoints, update) -> new RingHashPicker(endpoints, update.config().get(MIN_RING_SIZE)));
  }
}
