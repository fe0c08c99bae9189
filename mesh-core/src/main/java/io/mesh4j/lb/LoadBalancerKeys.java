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

  // slow start (SlowStartLoadBalancer): read by the mesh's wrapper around every policy that
  // supports it, so declared here rather than by the policies

  /**
   * {@code mesh.services.<name>.lb.slow-start.window}: how long a new or re-admitted endpoint's
   * share ramps up for; 0 (the default) turns slow start off.
   */
  public static final ConfigKey<java.time.Duration> SLOW_START_WINDOW =
      ConfigKey.service("lb.slow-start.window", ValueParsers.duration(java.time.Duration.ZERO))
          .defaultValue(java.time.Duration.ZERO)
          .description(
              "Slow start: an endpoint that joins the service (new, or back after ejection, a failed"
                  + " health check or draining) gets its share of traffic ramped up over this window"
                  + " instead of all at once; 0s turns it off. Used by weighted-round-robin, random,"
                  + " least-request and peak-ewma.")
          .build();

  /**
   * {@code mesh.services.<name>.lb.slow-start.aggression}: the ramp's shape, {@code (t /
   * window)^(1 / aggression)}; 1 is linear, above 1 ramps faster at first.
   */
  public static final ConfigKey<Double> SLOW_START_AGGRESSION =
      ConfigKey.service("lb.slow-start.aggression", ValueParsers.decimal(0.1, 10))
          .defaultValue(1.0)
          .description(
              "Slow start's curve: a joining endpoint's weight is scaled by (time since it joined /"
                  + " window)^(1 / aggression); 1 is a straight ramp, above 1 rises faster at first.")
          .build();

  /**
   * {@code mesh.services.<name>.lb.slow-start.min-weight-percent}: the least share of its weight a
   * ramping endpoint gets, so that it is tried from the start.
   */
  public static final ConfigKey<Integer> SLOW_START_MIN_WEIGHT_PERCENT =
      ConfigKey.service("lb.slow-start.min-weight-percent", ValueParsers.integer(1, 100))
          .defaultValue(10)
          .description("Slow start: a joining endpoint gets at least this percentage of its weight.")
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
