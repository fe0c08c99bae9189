package io.mesh4j.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.testing.LeakCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResilienceConfigTest {

  private static MeshClient.Builder orders() {
    return TestMeshes.builder().property("mesh.services.orders.endpoints", "127.0.0.1:1");
  }

  @Test
  void badValuesFailAtStartupNamingTheKeyAndWhatWasExpected() {
    assertThatThrownBy(
            () ->
                orders()
                    .property("mesh.services.orders.retry.max-attempts", "0")
                    .property("mesh.services.orders.retry.on", "connect-failure,teapot")
                    .property("mesh.services.orders.circuit-breaker.failure-statuses", "500-700")
                    .property("mesh.defaults.circuit-breaker.failure-rate-threshold", "150")
                    .property("mesh.services.orders.health-check.path", "healthz")
                    .build())
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.services.orders.retry.max-attempts")
        .hasMessageContaining("an integer from 1 to 10")
        .hasMessageContaining("mesh.services.orders.retry.on")
        .hasMessageContaining("teapot")
        .hasMessageContaining("mesh.services.orders.circuit-breaker.failure-statuses")
        .hasMessageContaining("HTTP status codes")
        .hasMessageContaining("mesh.defaults.circuit-breaker.failure-rate-threshold")
        .hasMessageContaining("mesh.services.orders.health-check.path")
        .hasMessageContaining("starting with '/'");
  }

  @Test
  void inconsistentDurationsAreReported() {
    assertThatThrownBy(
            () ->
                orders()
                    .property("mesh.services.orders.retry.backoff.base", "2s")
                    .property("mesh.services.orders.retry.backoff.max", "1s")
                    .build())
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.services.orders.retry.backoff.base")
        .hasMessageContaining("retry.backoff.max");
  }

  @Test
  void everyKeyIsKnownOnceTheModuleIsPresentAndClosingLeavesNoThread() {
    LeakCheck leaks = LeakCheck.snapshot();
    try (MeshClient mesh =
        orders()
            .property("mesh.defaults.per-try-timeout", "1s")
            .property("mesh.services.orders.bulkhead.max-wait", "10ms")
            .property("mesh.services.orders.outlier-detection.max-ejection-percent", "10")
            .property("mesh.services.orders.circuit-breaker.sliding-window-type", "time")
            .property("mesh.services.orders.health-check.path", "/healthz")
            .build()) {
      assertThat(mesh.config().service("orders")).isPresent();
    }
    leaks.assertNoNewMeshThreads();
  }

  @Test
  void valuesWrittenDifferentlyButMeaningTheSameAreNoChangeOnReload() {
    Map<String, String> config = Map.of(
        "mesh.services.orders.endpoints", "127.0.0.1:1",
        "mesh.services.orders.retry.on", "connect-failure,503,502",
        "mesh.services.orders.circuit-breaker.failure-statuses", "500-599,429");
    try (MeshClient mesh = TestMeshes.start(config)) {
      assertThat(TestMeshes.apply(mesh, config).isEmpty()).as("the same text").isTrue();
      var rewritten = TestMeshes.apply(mesh, Map.of(
          "mesh.services.orders.endpoints", "127.0.0.1:1",
          "mesh.services.orders.retry.on", " 502, connect-failure ,503",
          "mesh.services.orders.circuit-breaker.failure-statuses", "429,500-549,550-599"));
      assertThat(rewritten.isEmpty()).as("the same statuses and conditions: %s", rewritten).isTrue();
      var changed = TestMeshes.apply(mesh, Map.of(
          "mesh.services.orders.endpoints", "127.0.0.1:1",
          "mesh.services.orders.retry.on", "connect-failure,503",
          "mesh.services.orders.circuit-breaker.failure-statuses", "500-599"));
      assertThat(changed.servicesUpdated().get("orders"))
          .containsExactlyInAnyOrder("retry.on", "circuit-breaker.failure-statuses");
    }
  }
}
