package io.mesh4j.xds.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.testing.LogCapture;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterKeyFilterTest {

  private static final String CLUSTER = "outbound|8080||orders.default.svc.cluster.local";

  @Test
  void everythingPassesWhenTheModulesArePresentAndTheUserChoseNoTlsMode() {
    ClusterKeyFilter filter = new ClusterKeyFilter(true, true, service -> null);
    Map<String, String> keys = Map.of("lb", "ring-hash", "tls.mode", "disabled", "outlier-detection.enabled", "false");

    ClusterKeyFilter.Result result = filter.filter("orders", CLUSTER, keys);

    assertThat(result.failClosedReason()).isNull();
    assertThat(result.keys()).isEqualTo(keys);
  }

  @Test
  void aPlaintextClusterDoesNotDowngradeTheUsersExplicitTlsMode() {
    ClusterKeyFilter filter = new ClusterKeyFilter(true, true,
        service -> new ClusterKeyFilter.UserTlsMode("mesh.tls.mode", "strict"));

    try (LogCapture logs = new LogCapture()) {
      ClusterKeyFilter.Result result = filter.filter("orders", CLUSTER, Map.of("lb", "random", "tls.mode", "disabled"));
      filter.filter("orders", CLUSTER, Map.of("lb", "random", "tls.mode", "disabled"));

      assertThat(result.keys()).containsExactly(Map.entry("lb", "random"));
      assertThat(logs.warnings(CLUSTER)).hasSize(1).first().asString().contains("mesh.tls.mode");
    }
  }

  @Test
  void aTlsClusterWithoutMeshTlsFailsClosedNamingTheModule() {
    ClusterKeyFilter filter = new ClusterKeyFilter(false, true, service -> null);

    ClusterKeyFilter.Result result = filter.filter("orders", CLUSTER,
        Map.of("tls.mode", "strict", "identity", "spiffe://cluster.local/ns/default/sa/orders"));

    assertThat(result.failClosedReason()).contains(CLUSTER).contains("mesh-tls").contains("plaintext");
    assertThat(result.keys()).isEmpty();
  }

  @Test
  void withoutMeshTlsAPlaintextClusterPushesNoTlsKey() {
    ClusterKeyFilter filter = new ClusterKeyFilter(false, true, service -> null);

    ClusterKeyFilter.Result result = filter.filter("orders", CLUSTER, Map.of("lb", "random", "tls.mode", "disabled"));

    assertThat(result.failClosedReason()).isNull();
    assertThat(result.keys()).containsExactly(Map.entry("lb", "random"));
  }

  @Test
  void withoutMeshResilienceItsKeysAreLeftOutAndLoggedOnce() {
    ClusterKeyFilter filter = new ClusterKeyFilter(true, false, service -> null);
    Map<String, String> keys = Map.of("lb", "least-request", "bulkhead.max-concurrent-requests", "100",
        "outlier-detection.enabled", "false", "per-try-timeout", "1s", "retry.budget.ratio", "0.2",
        "health-check.path", "/healthz");

    try (LogCapture logs = new LogCapture()) {
      ClusterKeyFilter.Result result = filter.filter("orders", CLUSTER, keys);
      filter.filter("orders", CLUSTER, keys);

      assertThat(result.keys()).containsExactly(Map.entry("lb", "least-request"));
      assertThat(logs.warnings("mesh-resilience")).hasSize(1).first().asString()
          .contains("mesh-resilience").contains("bulkhead.max-concurrent-requests=100");
    }
  }

  @Test
  void aTlsClusterFailsClosedWhenTheUserTurnedTlsOffNamingTheClusterAndTheKey() {
    ClusterKeyFilter filter = new ClusterKeyFilter(true, true,
        service -> new ClusterKeyFilter.UserTlsMode("mesh.tls.mode", "disabled"));

    ClusterKeyFilter.Result result = filter.filter("orders", CLUSTER,
        Map.of("tls.mode", "strict", "identity", "spiffe://cluster.local/ns/default/sa/orders"));

    assertThat(result.failClosedReason()).contains(CLUSTER).contains("mesh.tls.mode=disabled").contains("plaintext");
    assertThat(result.keys()).isEmpty();
  }
}
