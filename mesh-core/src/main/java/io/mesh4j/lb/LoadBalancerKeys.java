package io.mesh4j.lb;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ValueParsers;
import java.util.regex.Pattern;

/**
 * Load-balancing keys that the core pipeline reads as well as the policies. Policy-specific tuning
 * keys are declared by the policies themselves ({@link LoadBalancerProvider#serviceKeys()}).
 */
public final class LoadBalancerKeys {

  /** RFC 9110 token characters: what a header name may contain. */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /**
   * {@code mesh.services.<name>.lb.hash-header}: the request header whose value is the hash key for
   * ring-hash and maglev. Unset, or a request without the header, means a random pick.
   */
  public static final ConfigKey<String> HASH_HEADER =
      ConfigKey.service(
              "lb.hash-header",
              ValueParsers.of(
                  "an HTTP header name such as x-user-id",
                  s -> {
                    String v = s.trim();
                    if (!HEADER_NAME.matcher(v).matches()) {
                      throw new IllegalArgumentException("not an HTTP header name");
                    }
                    return v;
                  }))
          .description(
              "Request header whose value consistent-hash policies (ring-hash, maglev) hash to"
                  + " choose an endpoint; requests without it are spread at random.")
          .build();

  /**
   * {@code mesh.services.<name>.lb.zone-aware}: prefer endpoints in this client's zone ({@code
   * mesh.locality.zone}) while that zone has its share of healthy endpoints. Read on every update,
   * so a change applies live.
   */
  public static final ConfigKey<Boolean> ZONE_AWARE =
      ConfigKey.service("lb.zone-aware", ValueParsers.bool())
          .defaultValue(true)
          .description(
              "Prefer endpoints in this client's zone (mesh.locality.zone) and spill over to other zones"
                  + " only when the local zone lacks healthy endpoints; false spreads over every zone.")
          .build();

  /**
   * {@code mesh.services.<name>.lb.zone-aware.min-cluster-size}: below this many endpoints (healthy
   * or not) in a priority, zone-aware routing is off for it (Envoy's {@code min_cluster_size}, same
   * default; Envoy counts the healthy ones only).
   */
  public static final ConfigKey<Integer> ZONE_AWARE_MIN_CLUSTER_SIZE =
      ConfigKey.service("lb.zone-aware.min-cluster-size", ValueParsers.integer(1, 1_000_000))
          .defaultValue(6)
          .description(
              "Zone-aware routing applies only to a priority of at least this many endpoints (healthy or"
                  + " not); a smaller one spreads requests over every zone.")
          .build();

  /**
   * {@code mesh.services.<name>.lb.priority.overprovisioning-factor}: a priority keeps all its traffic
   * until its healthy share times this factor drops below 100% (Envoy's overprovisioning factor).
   */
  public static final ConfigKey<Double> PRIORITY_OVERPROVISIONING_FACTOR =
      ConfigKey.service("lb.priority.overprovisioning-factor", ValueParsers.decimal(1.0, 100.0))
          .defaultValue(1.4)
          .description(
              "A priority gets min(100%, healthy share x this factor) of the traffic left to it; the rest"
                  + " spills to the next priority. 1.4 keeps all traffic until fewer than ~72% are healthy.")
          .build();

  private LoadBalancerKeys() {}
}
