package io.mesh4j.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.discovery.Endpoint;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResilienceEventTest {

  private static final Endpoint ENDPOINT = Endpoint.of("10.0.0.5", 8080);

  @Test
  void circuitStateChangesCarryBothStatesAndReadAsBefore() {
    ResilienceEvent e = ResilienceEvent.circuitStateChanged("orders", CircuitState.CLOSED, CircuitState.OPEN);
    assertThat(e.type()).isEqualTo(ResilienceEvent.Type.CIRCUIT_STATE_CHANGED);
    assertThat(e.from()).isEqualTo(CircuitState.CLOSED);
    assertThat(e.to()).isEqualTo(CircuitState.OPEN);
    assertThat(e.detail()).isEqualTo("CLOSED -> OPEN");
    assertThat(e).hasToString("CIRCUIT_STATE_CHANGED orders: CLOSED -> OPEN");
  }

  @Test
  void retriesCarryTheNextAttemptNumber() {
    ResilienceEvent e = ResilienceEvent.retry("orders", ENDPOINT, "503", 2, Duration.ofMillis(12));
    assertThat(e.attempt()).isEqualTo(2);
    assertThat(e).hasToString("RETRY orders 10.0.0.5:8080: 503, attempt 2 after 12ms");
    assertThatThrownBy(() -> ResilienceEvent.retry("orders", ENDPOINT, "503", 1, Duration.ZERO))
        .hasMessageContaining("attempt 2 or later");
  }

  @Test
  void ejectionsCarryTheirDuration() {
    ResilienceEvent e = ResilienceEvent.endpointEjected("orders", ENDPOINT, 5, Duration.ofSeconds(30));
    assertThat(e.ejectionTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(e).hasToString("ENDPOINT_EJECTED orders 10.0.0.5:8080: after 5 consecutive failures, for 30000ms");
  }

  @Test
  void theFourArgumentConstructorStillWorksWithoutTypedFields() {
    ResilienceEvent e = new ResilienceEvent(ResilienceEvent.Type.BULKHEAD_FULL, "orders", null, null);
    assertThat(e.detail()).isEmpty();
    assertThat(e.from()).isNull();
    assertThat(e.to()).isNull();
    assertThat(e.attempt()).isZero();
    assertThat(e.ejectionTime()).isNull();
    assertThat(e).isEqualTo(new ResilienceEvent(ResilienceEvent.Type.BULKHEAD_FULL, "orders", null, ""));
    assertThat(e).hasToString("BULKHEAD_FULL orders");
  }
}
