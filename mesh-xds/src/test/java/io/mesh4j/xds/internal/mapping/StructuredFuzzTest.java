package io.mesh4j.xds.internal.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.core.v3.RuntimeDouble;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.Int64Range;
import io.envoyproxy.envoy.type.v3.Percent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

/**
 * Every number of rich fixtures (each Duration's seconds and nanos, each uint, int and double, set
 * or not) replaced in turn by extreme values: the mappers must answer with errors or keys, never
 * throw (an exception would take the ADS stream down instead of NACKing one resource).
 */
class StructuredFuzzTest {

  private static Duration seconds(long s) {
    return Duration.newBuilder().setSeconds(s).build();
  }

  private static Cluster cluster(Cluster.LbPolicy policy) {
    return IstioFixtures.cluster()
        .setLbPolicy(policy)
        .setRoundRobinLbConfig(Cluster.RoundRobinLbConfig.newBuilder().setSlowStartConfig(Cluster.SlowStartConfig
            .newBuilder().setSlowStartWindow(seconds(30)).setAggression(RuntimeDouble.newBuilder().setDefaultValue(1.5))
            .setMinWeightPercent(Percent.newBuilder().setValue(10))))
        .setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(1024))
            .setMaximumRingSize(UInt64Value.of(4096)))
        .setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(65537)))
        .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
            .setMaxRequests(UInt32Value.of(100)).setRetryBudget(CircuitBreakers.Thresholds.RetryBudget.newBuilder()
                .setBudgetPercent(Percent.newBuilder().setValue(20)))))
        .setOutlierDetection(OutlierDetection.newBuilder().setConsecutive5Xx(UInt32Value.of(5))
            .setBaseEjectionTime(seconds(30)).setMaxEjectionTime(seconds(300))
            .setMaxEjectionPercent(UInt32Value.of(10)).setEnforcingConsecutive5Xx(UInt32Value.of(100)))
        .setCommonLbConfig(Cluster.CommonLbConfig.newBuilder().setHealthyPanicThreshold(Percent.newBuilder().setValue(50))
            .setZoneAwareLbConfig(Cluster.CommonLbConfig.ZoneAwareLbConfig.newBuilder()
                .setMinClusterSize(UInt64Value.of(6)).setRoutingEnabled(Percent.newBuilder().setValue(100))))
        .addHealthChecks(HealthCheck.newBuilder().setInterval(seconds(5)).setTimeout(seconds(1))
            .setHealthyThreshold(UInt32Value.of(2)).setUnhealthyThreshold(UInt32Value.of(3))
            .setHttpHealthCheck(HealthCheck.HttpHealthCheck.newBuilder().setPath("/health")))
        .build();
  }

  private static ClusterLoadAssignment cla() {
    return ClusterLoadAssignment.newBuilder().setClusterName("c")
        .addEndpoints(EndpointMapperTest.locality("r", "a", "").setLoadBalancingWeight(UInt32Value.of(3))
            .addLbEndpoints(EndpointMapperTest.lb("10.0.0.1", 80, 2)).addLbEndpoints(EndpointMapperTest.lb("10.0.0.2", 81)))
        .addEndpoints(EndpointMapperTest.locality("r", "b", "").setLoadBalancingWeight(UInt32Value.of(1)).setPriority(1)
            .addLbEndpoints(EndpointMapperTest.lb("10.0.1.1", 80, 5)))
        .build();
  }

  private static RouteConfiguration routes() {
    RouteAction.Builder action = RouteAction.newBuilder()
        .setWeightedClusters(WeightedCluster.newBuilder()
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("a").setWeight(UInt32Value.of(70)))
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("b").setWeight(UInt32Value.of(30))))
        .setTimeout(seconds(3))
        .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(seconds(5)))
        .setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("5xx,retriable-status-codes").addRetriableStatusCodes(418)
            .setNumRetries(UInt32Value.of(2)).setPerTryTimeout(seconds(1))
            .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(seconds(1)).setMaxInterval(seconds(2))));
    RouteMatch.Builder match = RouteMatch.newBuilder().setPrefix("/")
        .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(FractionalPercent.newBuilder()
            .setNumerator(50).setDenominator(FractionalPercent.DenominatorType.HUNDRED)))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-n").setRangeMatch(Int64Range.newBuilder().setStart(1).setEnd(9)));
    return RouteConfiguration.newBuilder().addVirtualHosts(VirtualHost.newBuilder().setName("vh").addDomains("*")
        .setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("reset").setPerTryTimeout(seconds(2)))
        .addRoutes(Route.newBuilder().setMatch(match).setRoute(action))).build();
  }

  @Test
  void extremeNumbersInEveryFieldAreErrorsNeverExceptions() {
    int checked = 0;
    for (Cluster.LbPolicy policy : List.of(Cluster.LbPolicy.ROUND_ROBIN, Cluster.LbPolicy.RING_HASH,
        Cluster.LbPolicy.MAGLEV)) {
      checked += fuzz(cluster(policy), ClusterMapper::map);
    }
    checked += fuzz(cla(), EndpointMapper::map);
    checked += fuzz(routes(), rc -> {
      MappedRoutes m = RouteMapper.map(rc);
      m.table().match("GET", "x", "/a?b=c", Headers.of("x-n", "5"));
      return m;
    });
    assertThat(checked).as("variants mapped").isGreaterThan(500);
  }

  private static <M extends Message> int fuzz(M fixture, Function<M, ?> mapper) {
    List<Message> variants = variants(fixture);
    for (Message v : variants) {
      @SuppressWarnings("unchecked")
      M m = (M) v;
      assertThatCode(() -> mapper.apply(m)).as("%s", v).doesNotThrowAnyException();
    }
    return variants.size();
  }

  /** Copies of {@code m}, each with one number (at any depth, in set messages) at an extreme. */
  private static List<Message> variants(Message m) {
    List<Message> out = new ArrayList<>();
    for (FieldDescriptor fd : m.getDescriptorForType().getFields()) {
      if (fd.isMapField()) {
        continue;
      }
      if (fd.isRepeated()) {
        for (int i = 0; i < m.getRepeatedFieldCount(fd); i++) {
          for (Object x : extremes(fd, m.getRepeatedField(fd, i))) {
            out.add(m.toBuilder().setRepeatedField(fd, i, x).build());
          }
        }
      } else if (fd.getJavaType() != FieldDescriptor.JavaType.MESSAGE || m.hasField(fd)) {
        for (Object x : extremes(fd, m.getField(fd))) {
          out.add(m.toBuilder().setField(fd, x).build());
        }
        if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          out.add(m.toBuilder().clearField(fd).build()); // unset: defaults derived from the others
        }
      }
    }
    return out;
  }

  private static List<?> extremes(FieldDescriptor fd, Object value) {
    return switch (fd.getJavaType()) {
      case INT -> List.of(0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 999_999_999, 1_000_000_000);
      case LONG -> List.of(0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, 315_576_000_001L, -315_576_000_001L);
      case DOUBLE -> List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1.0, 1e300);
      case FLOAT -> List.of(Float.NaN, Float.POSITIVE_INFINITY, -1.0f);
      case MESSAGE -> {
        List<Object> all = new ArrayList<>(variants((Message) value));
        if (value instanceof Duration) { // extremes in both fields at once
          all.add(Duration.newBuilder().setSeconds(Long.MIN_VALUE).setNanos(-1).build());
          all.add(Duration.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(999_999_999).build());
          all.add(Duration.newBuilder().setSeconds(Long.MAX_VALUE / 2).build());
          all.add(Duration.newBuilder().setSeconds(1).setNanos(-1).build());
        }
        yield all;
      }
      default -> List.of();
    };
  }

  @Test
  void theFuzzReachesNestedDurations() {
    // guards the walker itself: a nested Duration's seconds are among the variants
    assertThat(variants(cluster(Cluster.LbPolicy.ROUND_ROBIN))).anyMatch(v -> ((Cluster) v).getOutlierDetection()
        .getBaseEjectionTime().getSeconds() == Long.MAX_VALUE);
  }
}
