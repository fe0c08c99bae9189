package io.mesh4j.internal.lb;

import io.mesh4j.lb.SnapshotLoadBalancer;
import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ValueParser;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerKeys;
import io.mesh4j.lb.LoadBalancerProvider;
import java.util.List;

/** {@code maglev}: consistent hashing of the hash header's value through a Maglev table. */
public final class MaglevProvider implements LoadBalancerProvider {

  /** {@code mesh.services.<name>.lb.maglev.table-size}. */
  public static final ConfigKey<Integer> TABLE_SIZE =
      ConfigKey.service("lb.maglev.table-size", primeTableSize())
          .defaultValue(MaglevTable.DEFAULT_SIZE)
          .description(
              "Slots in the Maglev lookup table; a prime, best well above 100 × the number of"
                  + " endpoints so that each gets a share close to its weight.")
          .build();

  @Override
  public String name() {
    return "maglev";
  }

  @Override
  public List<ConfigKey<?>> serviceKeys() {
    return List.of(LoadBalancerKeys.HASH_HEADER, TABLE_SIZE);
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
    return new SnapshotLoadBalancer(
        context, (endpoints, update) -> new MaglevPicker(endpoints, update.config().get(TABLE_SIZE)));
  }

  static ValueParser<Integer> primeTableSize() {
    ValueParser<Integer> range = ValueParsers.integer(2, MaglevTable.MAX_SIZE);
    return ValueParsers.of(
        "a prime number from 2 to " + MaglevTable.MAX_SIZE + ", such as 65537",
        s -> {
          int size = range.parse(s);
          if (!Primes.isPrime(size)) {
            throw new IllegalArgumentException("not a prime number");
          }
          return size;
        });
  }
}
