package io.mesh4j.tracing;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.config.PropertySource;
import io.mesh4j.event.CircuitState;
import io.mesh4j.event.CircuitStateChanged;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Services added and removed while the client runs, and the reloads themselves, as metrics show them. */
class LiveConfigMetricsTest {

  private static final String ORDERS_AT = "127.0.0.1:1";
  private static final String PAYMENTS_AT = "127.0.0.1:2";

  private final TelemetryFixture telemetry = new TelemetryFixture();

  @TempDir Path dir;

  @AfterEach
  void stop() {
    telemetry.close();
  }

  /** Applies a configuration routing exactly these services (name to endpoints), as a control plane would. */
  private static void route(MeshClient mesh, Map<String, String> services) {
    Map<String, String> map = new java.util.HashMap<>();
    map.put("mesh.service", "frontend");
    services.forEach((name, endpoints) -> map.put("mesh.services." + name + ".endpoints", endpoints));
    mesh.apply(mesh.configLoader().source(PropertySource.fromMap(map, "test")).load());
  }

  /** The services a metric has points for, now. */
  private Set<String> servicesOf(String metric) {
    return telemetry.metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(metric))
        .flatMap(m -> m.getData().getPoints().stream())
        .map(PointData::getAttributes)
        .map(a -> a.get(MeshAttributes.SERVICE))
        .collect(Collectors.toSet());
  }

  @Test
  void aRemovedServicesCircuitAndEndpointGaugesDisappear() {
    try (MeshClient mesh =
        telemetry.mesh(ORDERS_AT).property("mesh.services.payments.endpoints", PAYMENTS_AT).build()) {
      mesh.events().publish(new CircuitStateChanged("orders", CircuitState.CLOSED, CircuitState.OPEN));
      mesh.events().publish(new CircuitStateChanged("payments", CircuitState.CLOSED, CircuitState.OPEN));
      assertThat(servicesOf("mesh.circuit_breaker.state")).containsExactlyInAnyOrder("orders", "payments");
      assertThat(servicesOf("mesh.service.endpoints")).containsExactlyInAnyOrder("orders", "payments");
      assertThat(servicesOf("mesh.discovery.failing")).containsExactlyInAnyOrder("orders", "payments");

      route(mesh, Map.of("orders", ORDERS_AT));

      assertThat(servicesOf("mesh.circuit_breaker.state")).containsExactly("orders");
      assertThat(servicesOf("mesh.service.endpoints")).containsExactly("orders");
      assertThat(servicesOf("mesh.discovery.staleness")).doesNotContain("payments");
      assertThat(servicesOf("mesh.discovery.failing")).containsExactly("orders");

      // a late transition of a request that outlived the removal does not bring the service back
      mesh.events().publish(new CircuitStateChanged("payments", CircuitState.OPEN, CircuitState.HALF_OPEN));
      assertThat(servicesOf("mesh.circuit_breaker.state")).containsExactly("orders");
    }
  }

  @Test
  void anAddedServiceGetsEndpointGauges() {
    try (MeshClient mesh = telemetry.mesh(ORDERS_AT).build()) {
      assertThat(servicesOf("mesh.service.endpoints")).containsExactly("orders");

      route(mesh, Map.of("orders", ORDERS_AT, "payments", PAYMENTS_AT));

      assertThat(servicesOf("mesh.service.endpoints")).containsExactlyInAnyOrder("orders", "payments");
      assertThat(telemetry.metric("mesh.service.endpoints"))
          .hasLongGaugeSatisfying(
              g ->
                  g.hasPointsSatisfying(
                      p -> p.hasAttributes(endpoints("orders", "eligible")),
                      p -> p.hasAttributes(endpoints("orders", "excluded")),
                      p -> p.hasValue(1).hasAttributes(endpoints("payments", "eligible")),
                      p -> p.hasValue(0).hasAttributes(endpoints("payments", "excluded"))));
    }
  }

  @Test
  void appliedRejectedAndRestartWaitingChangesAreCounted() throws IOException {
    Path file = dir.resolve("mesh.properties");
    Files.writeString(file, "mesh.services.orders.timeout=2s\n");
    try (MeshClient mesh =
        MeshClient.builder()
            .service("frontend")
            .environment(Map.of())
            .systemProperties(new Properties())
            .module(MeshTracing.module(telemetry.sdk))
            .propertiesFile(file)
            .property("mesh.config.watch", "false") // reloads happen when this test says
            .property("mesh.services.orders.endpoints", ORDERS_AT)
            .build()) {
      Files.writeString(file, "mesh.services.orders.timeout=3s\n");
      mesh.reload();
      Files.writeString(file, "mesh.services.orders.timeout=banana\n");
      assertThatThrownBy(mesh::reload).isInstanceOf(MeshConfigException.class);
      // applied, and it also turns mesh.config.watch back on: a key that waits for a new client
      route(mesh, Map.of("orders", ORDERS_AT, "payments", PAYMENTS_AT));

      assertThat(telemetry.metric("mesh.config.reloads"))
          .hasUnit("{change}")
          .hasLongSumSatisfying(
              s ->
                  s.isMonotonic()
                      .hasPointsSatisfying(
                          p -> p.hasValue(2).hasAttributes(result("applied")),
                          p -> p.hasValue(1).hasAttributes(result("rejected")),
                          p -> p.hasValue(1).hasAttributes(result("needs_restart"))));
    }
  }

  @Test
  void aChangeThatChangesNothingIsNotCounted() {
    try (MeshClient mesh = telemetry.mesh(ORDERS_AT).build()) {
      route(mesh, Map.of("orders", ORDERS_AT));

      assertThat(telemetry.metrics.collectAllMetrics())
          .extracting(MetricData::getName)
          .doesNotContain("mesh.config.reloads");
    }
  }

  private static Attributes endpoints(String service, String state) {
    return Attributes.of(MeshAttributes.SERVICE, service, MeshAttributes.ENDPOINT_STATE, state);
  }

  private static Attributes result(String result) {
    return Attributes.of(MeshAttributes.CONFIG_RESULT, result);
  }
}
