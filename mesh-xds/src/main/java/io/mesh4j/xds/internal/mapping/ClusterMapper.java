package io.mesh4j.xds.internal.mapping;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.common.v3.SlowStartConfig;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a CDS {@link Cluster} to service-relative mesh keys: balancing, circuit-breaker thresholds,
 * outlier detection, locality routing and upstream TLS. Pure; bad input becomes errors, never an
 * exception, and never a weaker setting than the cluster asked for.
 */
public final class ClusterMapper {

  /** Envoy's (and the mesh's) cap on ring sizes: 8M points. */
  static final long MAX_RING_SIZE = 1L << 23;
  /** The mesh's largest Maglev table. */
  static final long MAX_MAGLEV_TABLE = 5_000_011;
  /** bulkhead.max-concurrent-requests takes at most this; Istio writes 2^32-1 for "no limit". */
  static final long MAX_CONCURRENT = 1_000_000;

  private static final String RING_HASH = "envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash";
  private static final String MAGLEV = "envoy.extensions.load_balancing_policies.maglev.v3.Maglev";
  private static final String ROUND_ROBIN = "envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin";
  private static final String LEAST_REQUEST =
      "envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest";
  private static final String RANDOM = "envoy.extensions.load_balancing_policies.random.v3.Random";
  private static final String WRR_LOCALITY =
      "envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality";

  private ClusterMapper() {}

  public static MappedCluster map(Cluster cluster) {
    Errors errors = new Errors();
    Map<String, String> keys = new LinkedHashMap<>();
    String name = cluster.getName();
    if (name.isEmpty()) {
      errors.add("name", "is empty");
    }
    String edsName = discovery(cluster, errors);
    if (cluster.hasLbSubsetConfig() && cluster.getLbSubsetConfig().getSubsetSelectorsCount() > 0) {
      // ignoring it would send requests to endpoints outside the subset a route asked for
      errors.add("lb_subset_config", "subset load balancing is not supported (Istio's subsets are clusters"
          + " of their own)");
    }
    balancing(cluster, keys, errors);
    // Envoy has no failure-rate breaker (its circuit_breakers are concurrency limits: the bulkhead)
    keys.put("circuit-breaker.enabled", "false");
    circuitBreakers(cluster, keys, errors);
    outlierDetection(cluster, keys, errors);
    commonLbConfig(cluster, keys, errors);
    healthChecks(cluster, keys, errors);
    UpstreamTlsMapper.map(cluster, keys, errors);
    return new MappedCluster(name, edsName.isEmpty() ? name : edsName, keys, errors.toList());
  }

  // --- discovery type ----------------------------------------------------------------------

  private static String discovery(Cluster cluster, Errors errors) {
    if (cluster.hasClusterType()) {
      errors.add("cluster_type", "custom cluster type '" + cluster.getClusterType().getName()
          + "' (aggregate clusters included) is not supported: only type EDS");
      return "";
    }
    if (cluster.getType() != Cluster.DiscoveryType.EDS) {
      errors.add("type", cluster.getType() + " is not supported: only EDS (endpoints come from the"
          + " control plane; a DNS or static cluster would need a resolver the xDS client does not run)");
      return "";
    }
    Cluster.EdsClusterConfig eds = cluster.getEdsClusterConfig();
    if (eds.hasEdsConfig()) {
      configSource(eds.getEdsConfig(), "eds_cluster_config.eds_config", errors);
    } else {
      errors.add("eds_cluster_config.eds_config", "is missing: an EDS cluster must say where its endpoints come"
          + " from (ads or self)");
    }
    return eds.getServiceName();
  }

  /** gRPC's rule: resources come over the same ADS stream, so the source must be {@code ads} or {@code self}. */
  static void configSource(ConfigSource source, String field, Errors errors) {
    if (!source.hasAds() && !source.hasSelf()) {
      errors.add(field, "must be ads or self (the mesh reads every resource from its one ADS stream), was "
          + source.getConfigSourceSpecifierCase());
    }
  }

  // --- load balancing ----------------------------------------------------------------------

  private static void balancing(Cluster cluster, Map<String, String> keys, Errors errors) {
    if (cluster.hasLoadBalancingPolicy()) {
      // Envoy: load_balancing_policy, when set, replaces lb_policy
      typedPolicies(cluster.getLoadBalancingPolicy(), "load_balancing_policy", keys, errors);
      return;
    }
    switch (cluster.getLbPolicy()) {
      case ROUND_ROBIN -> {
        // Envoy's round robin is weighted (and locality weights are folded into endpoint weights);
        // the mesh's round-robin ignores weights, its weighted-round-robin is the same rotation when equal
        keys.put("lb", "weighted-round-robin");
        if (cluster.getRoundRobinLbConfig().hasSlowStartConfig()) {
          Cluster.SlowStartConfig c = cluster.getRoundRobinLbConfig().getSlowStartConfig();
          slowStart(c.hasSlowStartWindow() ? c.getSlowStartWindow() : null,
              c.hasAggression() ? c.getAggression().getDefaultValue() : Double.NaN,
              c.hasMinWeightPercent() ? c.getMinWeightPercent().getValue() : Double.NaN,
              "round_robin_lb_config.slow_start_config", keys, errors);
        }
      }
      case LEAST_REQUEST -> {
        keys.put("lb", "least-request"); // choice_count: the mesh's is P2C (see docs)
        if (cluster.getLeastRequestLbConfig().hasSlowStartConfig()) {
          Cluster.SlowStartConfig c = cluster.getLeastRequestLbConfig().getSlowStartConfig();
          slowStart(c.hasSlowStartWindow() ? c.getSlowStartWindow() : null,
              c.hasAggression() ? c.getAggression().getDefaultValue() : Double.NaN,
              c.hasMinWeightPercent() ? c.getMinWeightPercent().getValue() : Double.NaN,
              "least_request_lb_config.slow_start_config", keys, errors);
        }
      }
      case RANDOM -> keys.put("lb", "random");
      case RING_HASH -> {
        keys.put("lb", "ring-hash");
        Cluster.RingHashLbConfig c = cluster.getRingHashLbConfig();
        if (c.getHashFunction() != Cluster.RingHashLbConfig.HashFunction.XX_HASH) {
          errors.add("ring_hash_lb_config.hash_function", c.getHashFunction() + " is not supported: only XX_HASH");
        }
        ringSize(c.hasMinimumRingSize() ? c.getMinimumRingSize().getValue() : -1,
            c.hasMaximumRingSize() ? c.getMaximumRingSize().getValue() : -1,
            "ring_hash_lb_config", keys, errors);
      }
      case MAGLEV -> {
        keys.put("lb", "maglev");
        Cluster.MaglevLbConfig c = cluster.getMaglevLbConfig();
        if (c.hasTableSize()) {
          tableSize(c.getTableSize().getValue(), "maglev_lb_config.table_size", keys, errors);
        }
      }
      case LOAD_BALANCING_POLICY_CONFIG ->
          errors.add("lb_policy", "LOAD_BALANCING_POLICY_CONFIG without load_balancing_policy");
      default -> errors.add("lb_policy", cluster.getLbPolicy() + " is not supported: ROUND_ROBIN, LEAST_REQUEST,"
          + " RANDOM, RING_HASH, MAGLEV or load_balancing_policy");
    }
  }

  /** The first policy of the list the mesh supports wins, as in gRPC; none supported is an error. */
  private static void typedPolicies(LoadBalancingPolicy list, String field, Map<String, String> keys, Errors errors) {
    List<String> unsupported = new ArrayList<>();
    for (int i = 0; i < list.getPoliciesCount(); i++) {
      Any config = list.getPolicies(i).getTypedExtensionConfig().getTypedConfig();
      String f = field + ".policies[" + i + "].typed_extension_config.typed_config";
      String type = Values.typeName(config);
      try {
        switch (type) {
          case ROUND_ROBIN -> {
            RoundRobin c = config.unpack(RoundRobin.class);
            keys.put("lb", "weighted-round-robin"); // Envoy's round robin is weighted
            if (c.hasSlowStartConfig()) {
              slowStart(c.getSlowStartConfig(), f + ".slow_start_config", keys, errors);
            }
          }
          case RANDOM -> keys.put("lb", "random");
          case LEAST_REQUEST -> {
            LeastRequest c = config.unpack(LeastRequest.class); // choice_count: P2C whatever it says (see docs)
            keys.put("lb", "least-request");
            if (c.hasSlowStartConfig()) {
              slowStart(c.getSlowStartConfig(), f + ".slow_start_config", keys, errors);
            }
          }
          case RING_HASH -> {
            RingHash c = config.unpack(RingHash.class);
            keys.put("lb", "ring-hash");
            if (c.getHashFunction() != RingHash.HashFunction.XX_HASH
                && c.getHashFunction() != RingHash.HashFunction.DEFAULT_HASH) {
              errors.add(f + ".hash_function", c.getHashFunction() + " is not supported: only XX_HASH");
            }
            ringSize(c.hasMinimumRingSize() ? c.getMinimumRingSize().getValue() : -1,
                c.hasMaximumRingSize() ? c.getMaximumRingSize().getValue() : -1, f, keys, errors);
          }
          case MAGLEV -> {
            Maglev c = config.unpack(Maglev.class);
            keys.put("lb", "maglev");
            if (c.hasTableSize()) {
              tableSize(c.getTableSize().getValue(), f + ".table_size", keys, errors);
            }
          }
          case WRR_LOCALITY -> {
            // gRPC's locality-weighted wrapper: locality weights are folded into endpoint weights
            // (EndpointMapper), so the endpoint-picking policy inside is what the mesh runs
            WrrLocality c = config.unpack(WrrLocality.class);
            typedPolicies(c.getEndpointPickingPolicy(), f + ".endpoint_picking_policy", keys, errors);
          }
          default -> {
            unsupported.add(type);
            continue;
          }
        }
      } catch (InvalidProtocolBufferException e) {
        errors.add(f, "cannot be read as " + type + ": " + e.getMessage());
      }
      return;
    }
    errors.add(field + ".policies", (unsupported.isEmpty() ? "is empty" : "none is supported ("
        + String.join(", ", unsupported) + ")") + "; the mesh supports RoundRobin, LeastRequest, Random, RingHash,"
        + " Maglev and WrrLocality");
  }

  private static void slowStart(SlowStartConfig c, String field, Map<String, String> keys, Errors errors) {
    slowStart(c.hasSlowStartWindow() ? c.getSlowStartWindow() : null,
        c.hasAggression() ? c.getAggression().getDefaultValue() : Double.NaN,
        c.hasMinWeightPercent() ? c.getMinWeightPercent().getValue() : Double.NaN, field, keys, errors);
  }

  /** Envoy's slow start as the mesh's (the same ramp: (t / window)^(1 / aggression), floored). */
  private static void slowStart(com.google.protobuf.Duration window, double aggression, double minWeightPercent,
      String field, Map<String, String> keys, Errors errors) {
    if (window == null) {
      return; // no window: no slow start
    }
    java.time.Duration w = Values.duration(window, field + ".slow_start_window", errors);
    if (w == null) {
      return;
    }
    if (w.isNegative() || w.compareTo(Values.MAX) > 0) {
      errors.add(field + ".slow_start_window", Values.text(w) + " is outside 0.." + Values.text(Values.MAX));
      return;
    }
    keys.put("lb.slow-start.window", Values.text(w));
    if (!Double.isNaN(aggression)) {
      if (!(aggression >= 0.1 && aggression <= 10)) {
        errors.add(field + ".aggression.default_value", aggression + " is outside the mesh's 0.1..10");
      } else {
        keys.put("lb.slow-start.aggression", decimal(aggression));
      }
    }
    if (!Double.isNaN(minWeightPercent)) {
      if (!(minWeightPercent >= 0 && minWeightPercent <= 100)) {
        errors.add(field + ".min_weight_percent", minWeightPercent + " is outside 0..100");
      } else {
        // the mesh takes whole percents from 1: round up, so a ramping endpoint never gets less
        keys.put("lb.slow-start.min-weight-percent", Long.toString(Math.max(1, (long) Math.ceil(minWeightPercent))));
      }
    }
  }

  private static void ringSize(long min, long max, String field, Map<String, String> keys, Errors errors) {
    if (min > MAX_RING_SIZE) {
      errors.add(field + ".minimum_ring_size", min + " is above the limit of " + MAX_RING_SIZE);
    } else if (max >= 0 && (max > MAX_RING_SIZE || max < 1)) {
      errors.add(field + ".maximum_ring_size", max + " is outside 1.." + MAX_RING_SIZE);
    } else if (min >= 0 && max >= 0 && min > max) {
      errors.add(field + ".minimum_ring_size", min + " is above maximum_ring_size " + max);
    } else if (min == 0) {
      errors.add(field + ".minimum_ring_size", "must be at least 1");
    } else if (min > 0) {
      keys.put("lb.ring-hash.min-ring-size", Long.toString(min));
    }
    // maximum_ring_size: the mesh's ring holds up to about twice the minimum (power-of-two points per
    // endpoint), never more than 8M: not mapped
  }

  private static void tableSize(long size, String field, Map<String, String> keys, Errors errors) {
    if (size < 2 || size > MAX_MAGLEV_TABLE || !java.math.BigInteger.valueOf(size).isProbablePrime(30)) {
      errors.add(field, size + " must be a prime number from 2 to " + MAX_MAGLEV_TABLE);
    } else {
      keys.put("lb.maglev.table-size", Long.toString(size));
    }
  }

  // --- circuit breakers ----------------------------------------------------------------------

  private static void circuitBreakers(Cluster cluster, Map<String, String> keys, Errors errors) {
    List<CircuitBreakers.Thresholds> all = cluster.getCircuitBreakers().getThresholdsList();
    for (int i = 0; i < all.size(); i++) {
      CircuitBreakers.Thresholds t = all.get(i);
      if (t.getPriority() != RoutingPriority.DEFAULT) {
        continue; // HIGH priority: the mesh has no request priorities
      }
      String f = "circuit_breakers.thresholds[" + i + "]";
      if (t.hasMaxRequests()) {
        long max = Integer.toUnsignedLong(t.getMaxRequests().getValue());
        if (max == 0) {
          errors.add(f + ".max_requests", "0 would refuse every request; the mesh's bulkhead takes 1 to " + MAX_CONCURRENT);
        } else {
          keys.put("bulkhead.max-concurrent-requests", Long.toString(Math.min(max, MAX_CONCURRENT)));
        }
      }
      if (t.hasRetryBudget() && t.getRetryBudget().hasBudgetPercent()) {
        double percent = t.getRetryBudget().getBudgetPercent().getValue();
        if (percent < 0 || percent > 100 || Double.isNaN(percent)) {
          errors.add(f + ".retry_budget.budget_percent", percent + " is outside 0..100");
        } else {
          keys.put("retry.budget.ratio", decimal(percent / 100));
        }
      }
      return; // Envoy uses the first thresholds of a priority
    }
  }

  static String decimal(double v) {
    String s = java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    return s;
  }

  // --- outlier detection -----------------------------------------------------------------------

  private static void outlierDetection(Cluster cluster, Map<String, String> keys, Errors errors) {
    if (!cluster.hasOutlierDetection()) {
      keys.put("outlier-detection.enabled", "false"); // Envoy: off unless configured
      return;
    }
    OutlierDetection od = cluster.getOutlierDetection();
    int enforcing = od.hasEnforcingConsecutive5Xx() ? od.getEnforcingConsecutive5Xx().getValue() : 100;
    if (enforcing > 100) {
      errors.add("outlier_detection.enforcing_consecutive_5xx", enforcing + " is above 100");
      return;
    }
    if (enforcing == 0) {
      // the consecutive-failures detector is the one the mesh runs; success-rate and
      // failure-percentage detectors are not mapped (see docs)
      keys.put("outlier-detection.enabled", "false");
      return;
    }
    keys.put("outlier-detection.enabled", "true");
    int consecutive = od.hasConsecutive5Xx() ? od.getConsecutive5Xx().getValue() : 5;
    if (consecutive < 1 || consecutive > 10_000) {
      errors.add("outlier_detection.consecutive_5xx", Integer.toUnsignedString(consecutive) + " is outside 1..10000");
    } else {
      keys.put("outlier-detection.consecutive-failures", Integer.toString(consecutive));
    }
    String base = od.hasBaseEjectionTime()
        ? Values.positiveDuration(od.getBaseEjectionTime(), "outlier_detection.base_ejection_time", errors)
        : "30s";
    String max = od.hasMaxEjectionTime()
        ? Values.positiveDuration(od.getMaxEjectionTime(), "outlier_detection.max_ejection_time", errors)
        : "5m";
    if (base != null && max != null) {
      // both valid and positive here (positiveDuration checked them)
      java.time.Duration b = od.hasBaseEjectionTime()
          ? java.time.Duration.ofSeconds(od.getBaseEjectionTime().getSeconds(), od.getBaseEjectionTime().getNanos())
          : java.time.Duration.ofSeconds(30);
      java.time.Duration m = od.hasMaxEjectionTime()
          ? java.time.Duration.ofSeconds(od.getMaxEjectionTime().getSeconds(), od.getMaxEjectionTime().getNanos())
          : java.time.Duration.ofSeconds(300);
      if (!od.hasMaxEjectionTime() && b.compareTo(m) > 0) {
        m = b; // Envoy: an unset max_ejection_time is max(300s, base_ejection_time)
        max = base;
      }
      if (m.compareTo(b) < 0) {
        errors.add("outlier_detection.max_ejection_time", Values.text(m)
            + " is shorter than base_ejection_time " + Values.text(b)
            + " (Envoy's defaults: 30s and 300s)");
      }
      keys.put("outlier-detection.base-ejection-time", base);
      keys.put("outlier-detection.max-ejection-time", max);
    }
    int percent = od.hasMaxEjectionPercent() ? od.getMaxEjectionPercent().getValue() : 10;
    if (percent < 0 || percent > 100) {
      errors.add("outlier_detection.max_ejection_percent", Integer.toUnsignedString(percent) + " is outside 0..100");
    } else {
      keys.put("outlier-detection.max-ejection-percent", Integer.toString(percent));
    }
  }

  // --- active health checks ------------------------------------------------------------------

  /** The first HTTP health check becomes the mesh's probes; other kinds are skipped (see docs). */
  private static void healthChecks(Cluster cluster, Map<String, String> keys, Errors errors) {
    for (int i = 0; i < cluster.getHealthChecksCount(); i++) {
      io.envoyproxy.envoy.config.core.v3.HealthCheck hc = cluster.getHealthChecks(i);
      if (!hc.hasHttpHealthCheck()) {
        continue;
      }
      String f = "health_checks[" + i + "]";
      String path = hc.getHttpHealthCheck().getPath();
      if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ')) {
        errors.add(f + ".http_health_check.path", "'" + path + "' is not an absolute path");
        return;
      }
      java.time.Duration interval = Values.duration(hc.getInterval(), f + ".interval", errors);
      java.time.Duration timeout = Values.duration(hc.getTimeout(), f + ".timeout", errors);
      if (interval == null || timeout == null) {
        return;
      }
      if (interval.compareTo(java.time.Duration.ofMillis(10)) < 0 || interval.compareTo(Values.MAX) > 0) {
        errors.add(f + ".interval", Values.text(interval) + " is outside the mesh's 10ms.." + Values.text(Values.MAX));
        return;
      }
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(interval) > 0) {
        errors.add(f + ".timeout", Values.text(timeout) + " must be greater than 0 and at most the interval "
            + Values.text(interval));
        return;
      }
      long healthy = hc.hasHealthyThreshold() ? Integer.toUnsignedLong(hc.getHealthyThreshold().getValue()) : 1;
      long unhealthy = hc.hasUnhealthyThreshold() ? Integer.toUnsignedLong(hc.getUnhealthyThreshold().getValue()) : 1;
      if (healthy < 1 || healthy > 100 || unhealthy < 1 || unhealthy > 100) {
        errors.add(f, "healthy_threshold " + healthy + " and unhealthy_threshold " + unhealthy
            + " must be within the mesh's 1..100");
        return;
      }
      keys.put("health-check.path", path);
      keys.put("health-check.interval", Values.text(interval));
      keys.put("health-check.timeout", Values.text(timeout));
      keys.put("health-check.healthy-threshold", Long.toString(healthy));
      keys.put("health-check.unhealthy-threshold", Long.toString(unhealthy));
      return;
    }
  }

  // --- common_lb_config ------------------------------------------------------------------------

  private static void commonLbConfig(Cluster cluster, Map<String, String> keys, Errors errors) {
    // zone-aware routing needs a local cluster, which a proxyless client lacks (gRPC never routes by
    // zone): off unless asked for, so the locality weights folded into endpoint weights are honoured
    keys.put("lb.zone-aware", "false");
    if (!cluster.hasCommonLbConfig()) {
      return;
    }
    Cluster.CommonLbConfig c = cluster.getCommonLbConfig();
    if (c.hasHealthyPanicThreshold()) {
      double p = c.getHealthyPanicThreshold().getValue();
      if (p < 0 || p > 100 || Double.isNaN(p)) {
        errors.add("common_lb_config.healthy_panic_threshold", p + " is outside 0..100");
      } else {
        // the mesh's threshold is a whole percent: round up, so a threshold is never weakened
        keys.put("outlier-detection.panic-threshold", Long.toString((long) Math.ceil(p)));
      }
    }
    if (c.hasLocalityWeightedLbConfig()) {
      // Envoy: locality-weighted and zone-aware balancing exclude each other; the locality weights
      // are in the endpoint weights (EndpointMapper)
      keys.put("lb.zone-aware", "false");
    } else if (c.hasZoneAwareLbConfig()) {
      Cluster.CommonLbConfig.ZoneAwareLbConfig z = c.getZoneAwareLbConfig();
      boolean on = !z.hasRoutingEnabled() || z.getRoutingEnabled().getValue() > 0;
      keys.put("lb.zone-aware", Boolean.toString(on));
      if (z.hasMinClusterSize()) {
        long size = z.getMinClusterSize().getValue();
        if (size < 1 || size > 1_000_000) {
          errors.add("common_lb_config.zone_aware_lb_config.min_cluster_size", size + " is outside 1..1000000");
        } else {
          keys.put("lb.zone-aware.min-cluster-size", Long.toString(size));
        }
      }
    }
  }
}
