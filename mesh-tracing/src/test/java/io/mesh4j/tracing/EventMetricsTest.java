package io.mesh4j.tracing;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;

import io.mesh4j.MeshClient;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.event.CircuitRejected;
import io.mesh4j.event.CircuitState;
import io.mesh4j.event.CircuitStateChanged;
import io.mesh4j.event.EndpointEjected;
import io.mesh4j.event.HedgeSent;
import io.mesh4j.event.HedgeWon;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.event.RetryDenied;
import io.mesh4j.event.RetryScheduled;
import io.mesh4j.event.SvidStatusChanged;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import io.mesh4j.testing.ManualClock;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Metrics of the core events, published on the client's bus as mesh-resilience, mesh-tls or any
 * other module would: tracing needs none of them on its classpath.
 */
class EventMetricsTest {

  private static final Attributes ORDERS = Attributes.of(MeshAttributes.SERVICE, "orders");
  private static final String FRONTEND = "spiffe://mesh.local/frontend";
  private static final Endpoint ENDPOINT = Endpoint.of("10.0.0.1", 8080);

  private final TelemetryFixture telemetry = new TelemetryFixture();

  @AfterEach
  void stop() {
    telemetry.close();
  }

  /** No request is made: the endpoint only has to parse. */
  private MeshClient.Builder mesh() {
    return telemetry.mesh("127.0.0.1:1");
  }

  @Test
  void retriesSpentBudgetsEjectionsAndCircuitRejectionsAreCountedPerService() {
    try (MeshClient mesh = mesh().build()) {
      MeshEvents events = mesh.events();
      events.publish(new RetryScheduled("orders", ENDPOINT, "HTTP 503", 2, Duration.ofMillis(10)));
      events.publish(new RetryScheduled("orders", ENDPOINT, "connect", 3, Duration.ofMillis(20)));
      events.publish(new RetryDenied("orders", "HTTP 503"));
      events.publish(new EndpointEjected("orders", ENDPOINT, 5, Duration.ofSeconds(30)));
      events.publish(new CircuitRejected("orders", CircuitState.OPEN));

      assertThat(telemetry.metric("mesh.client.retries"))
          .hasUnit("{retry}")
          .hasLongSumSatisfying(s -> s.isMonotonic().hasPointsSatisfying(p -> p.hasValue(2).hasAttributes(ORDERS)));
      assertThat(telemetry.metric("mesh.retry_budget.exhausted"))
          .hasUnit("{retry}")
          .hasLongSumSatisfying(s -> s.isMonotonic().hasPointsSatisfying(p -> p.hasValue(1).hasAttributes(ORDERS)));
      assertThat(telemetry.metric("mesh.outlier.ejections"))
          .hasUnit("{ejection}")
          .hasLongSumSatisfying(s -> s.isMonotonic().hasPointsSatisfying(p -> p.hasValue(1).hasAttributes(ORDERS)));
      assertThat(telemetry.metric("mesh.circuit_breaker.rejections"))
          .hasUnit("{request}")
          .hasLongSumSatisfying(s -> s.isMonotonic().hasPointsSatisfying(p -> p.hasValue(1).hasAttributes(ORDERS)));
    }
  }

  @Test
  void hedgesSentAndWonAreCountedPerService() {
    try (MeshClient mesh = mesh().build()) {
      MeshEvents events = mesh.events();
      events.publish(new HedgeSent("orders", 2, Duration.ofMillis(20)));
      events.publish(new HedgeSent("orders", 2, Duration.ofMillis(25)));
      events.publish(new HedgeWon("orders", ENDPOINT, 2));
      events.publish(new RetryDenied("orders", "hedge"));

      assertThat(telemetry.metric("mesh.client.hedges"))
          .hasUnit("{request}")
          .hasLongSumSatisfying(s -> s.isMonotonic().hasPointsSatisfying(p -> p.hasValue(2).hasAttributes(ORDERS)));
      assertThat(telemetry.metric("mesh.client.hedge_wins"))
          .hasUnit("{request}")
          .hasLongSumSatisfying(s -> s.isMonotonic().hasPointsSatisfying(p -> p.hasValue(1).hasAttributes(ORDERS)));
      assertThat(telemetry.metric("mesh.retry_budget.exhausted"))
          .hasLongSumSatisfying(s -> s.hasPointsSatisfying(p -> p.hasValue(1).hasAttributes(ORDERS)));
    }
  }

  @Test
  void theCircuitGaugeIsOneForTheLatestStateOfEachService() {
    try (MeshClient mesh = mesh().build()) {
      mesh.events().publish(new CircuitStateChanged("orders", CircuitState.CLOSED, CircuitState.OPEN));

      assertThat(telemetry.metric("mesh.circuit_breaker.state"))
          .hasUnit("1")
          .hasLongGaugeSatisfying(
              g ->
                  g.hasPointsSatisfying(
                      p -> p.hasValue(0).hasAttributes(circuit("orders", "closed")),
                      p -> p.hasValue(1).hasAttributes(circuit("orders", "open")),
                      p -> p.hasValue(0).hasAttributes(circuit("orders", "half_open")),
                      p -> p.hasValue(0).hasAttributes(circuit("orders", "disabled"))));

      mesh.events().publish(new CircuitStateChanged("orders", CircuitState.OPEN, CircuitState.HALF_OPEN));

      assertThat(telemetry.metric("mesh.circuit_breaker.state"))
          .hasLongGaugeSatisfying(
              g ->
                  g.hasPointsSatisfying(
                      p -> p.hasValue(0).hasAttributes(circuit("orders", "closed")),
                      p -> p.hasValue(0).hasAttributes(circuit("orders", "open")),
                      p -> p.hasValue(1).hasAttributes(circuit("orders", "half_open")),
                      p -> p.hasValue(0).hasAttributes(circuit("orders", "disabled"))));
    }
  }

  @Test
  void svidMetricsComeFromTheLatestStatusWithTheExpiryComputedAtCollection() {
    ManualClock clock = new ManualClock();
    Instant notAfter = Instant.ofEpochMilli(clock.wallMillis()).plus(Duration.ofHours(1));
    try (MeshClient mesh = mesh().clock(clock).build()) {
      mesh.events().publish(new SvidStatusChanged(FRONTEND, "1a", notAfter, 0, 0, null));
      assertThat(telemetry.metric("mesh.tls.svid.expiry"))
          .hasUnit("s")
          .hasLongGaugeSatisfying(g -> g.hasPointsSatisfying(p -> p.hasValue(3600).hasAttributes(svid())));

      clock.advance(Duration.ofMinutes(30));
      assertThat(telemetry.metric("mesh.tls.svid.expiry"))
          .hasLongGaugeSatisfying(g -> g.hasPointsSatisfying(p -> p.hasValue(1800).hasAttributes(svid())));

      mesh.events()
          .publish(new SvidStatusChanged(FRONTEND, "1b", notAfter.plus(Duration.ofHours(1)), 1, 2, "CA unreachable"));
      assertThat(telemetry.metric("mesh.tls.svid.expiry"))
          .hasLongGaugeSatisfying(g -> g.hasPointsSatisfying(p -> p.hasValue(5400).hasAttributes(svid())));
      assertThat(telemetry.metric("mesh.tls.svid.rotations"))
          .hasUnit("{rotation}")
          .hasLongSumSatisfying(s -> s.isMonotonic().hasPointsSatisfying(p -> p.hasValue(1).hasAttributes(svid())));
      assertThat(telemetry.metric("mesh.tls.svid.renewal_failures"))
          .hasUnit("{failure}")
          .hasLongSumSatisfying(s -> s.isMonotonic().hasPointsSatisfying(p -> p.hasValue(2).hasAttributes(svid())));
    }
  }

  @Test
  void withoutTheirEventsThereAreNoCircuitOrSvidMetrics() {
    try (MeshClient mesh = mesh().build()) {
      assertThat(telemetry.metrics.collectAllMetrics())
          .extracting(MetricData::getName)
          .noneMatch(name -> name.startsWith("mesh.circuit_breaker") || name.startsWith("mesh.tls"));
    }
  }

  @Test
  void stateEventsPublishedWhileTheClientStartsAreRecorded() {
    // created before tracing: its SVID status reaches tracing by replay; its circuit states,
    // published as each service is added, reach it live because tracing subscribes when created
    MeshModule publisher =
        new MeshModule() {
          @Override
          public String name() {
            return "startup-publisher";
          }

          @Override
          public String artifactId() {
            return "mesh-test-startup-publisher";
          }

          @Override
          public MeshExtension create(MeshContext context) {
            context.events().publish(new SvidStatusChanged(FRONTEND, "1a", Instant.now().plusSeconds(3600), 0, 0, null));
            return new MeshExtension() {
              @Override
              public void onServiceAdded(ServiceConfig service) {
                context.events().publish(new CircuitStateChanged(service.name(), CircuitState.CLOSED, CircuitState.CLOSED));
                context.events().publish(new RetryDenied(service.name(), "startup"));
              }
            };
          }
        };
    try (MeshClient mesh =
        MeshClient.builder()
            .service("frontend")
            .environment(Map.of())
            .systemProperties(new Properties())
            .module(publisher)
            .module(MeshTracing.module(telemetry.sdk))
            .property("mesh.services.orders.endpoints", "127.0.0.1:1")
            .build()) {
      assertThat(telemetry.metric("mesh.tls.svid.rotations"))
          .hasLongSumSatisfying(s -> s.hasPointsSatisfying(p -> p.hasValue(0).hasAttributes(svid())));
      assertThat(telemetry.metric("mesh.circuit_breaker.state"))
          .hasLongGaugeSatisfying(
              g ->
                  g.hasPointsSatisfying(
                      p -> p.hasValue(1).hasAttributes(circuit("orders", "closed")),
                      p -> p.hasValue(0).hasAttributes(circuit("orders", "open")),
                      p -> p.hasValue(0).hasAttributes(circuit("orders", "half_open")),
                      p -> p.hasValue(0).hasAttributes(circuit("orders", "disabled"))));
      assertThat(telemetry.metric("mesh.retry_budget.exhausted"))
          .hasLongSumSatisfying(s -> s.hasPointsSatisfying(p -> p.hasValue(1).hasAttributes(ORDERS)));
    }
  }

  @Test
  void closingTheClientUnsubscribesAndUnregistersTheGauges() {
    MeshEvents events;
    try (MeshClient mesh = mesh().build()) {
      events = mesh.events();
      events.publish(new CircuitStateChanged("orders", CircuitState.CLOSED, CircuitState.OPEN));
      events.publish(new SvidStatusChanged(FRONTEND, "1a", Instant.now().plusSeconds(3600), 0, 0, null));
      events.publish(new RetryDenied("orders", "HTTP 503"));
      assertThat(telemetry.metric("mesh.circuit_breaker.state")).isNotNull();
    }
    events.publish(new RetryDenied("orders", "HTTP 503"));

    assertThat(telemetry.metrics.collectAllMetrics())
        .extracting(MetricData::getName)
        .doesNotContain("mesh.circuit_breaker.state", "mesh.tls.svid.expiry", "mesh.tls.svid.rotations", "mesh.tls.svid.renewal_failures");
    assertThat(telemetry.metric("mesh.retry_budget.exhausted"))
        .as("counted before close only")
        .hasLongSumSatisfying(s -> s.hasPointsSatisfying(p -> p.hasValue(1)));
  }

  @Test
  void withMetricsOffEventsRecordNothing() {
    try (MeshClient mesh = mesh().property("mesh.tracing.metrics.enabled", "false").build()) {
      mesh.events().publish(new CircuitStateChanged("orders", CircuitState.CLOSED, CircuitState.OPEN));
      mesh.events().publish(new RetryDenied("orders", "HTTP 503"));
      mesh.events().publish(new SvidStatusChanged(FRONTEND, "1a", Instant.now().plusSeconds(3600), 0, 0, null));

      assertThat(telemetry.metrics.collectAllMetrics()).isEmpty();
    }
  }

  private static Attributes circuit(String service, String state) {
    return Attributes.of(MeshAttributes.SERVICE, service, MeshAttributes.CIRCUIT_STATE, state);
  }

  private static Attributes svid() {
    return Attributes.of(MeshAttributes.SPIFFE_ID, FRONTEND);
  }
}
