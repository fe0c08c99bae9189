package io.mesh4j.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.mesh4j.event.CircuitState;
import io.mesh4j.event.CircuitStateChanged;
import io.mesh4j.event.MeshEvent;
import io.mesh4j.event.MeshEventListener;
import io.mesh4j.event.MeshEvents;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {

  private final List<MeshEvent> events = new CopyOnWriteArrayList<>();
  private final ResilienceEvents publisher = new ResilienceEvents(new MeshEvents() {
    @Override
    public void publish(MeshEvent event) {
      events.add(event);
    }

    @Override
    public Subscription subscribe(MeshEventListener listener) {
      throw new UnsupportedOperationException();
    }
  });

  private static CircuitBreakers.Settings settings(double failureRate) {
    return new CircuitBreakers.Settings(
        failureRate, 100, Duration.ofSeconds(60), false, 4, 4, Duration.ofSeconds(30), 1);
  }

  @Test
  void aHalfOpenCircuitIsOpenInItsReplacementAndSaysSo() {
    CircuitBreaker old = CircuitBreakers.create("orders", settings(50), publisher, b -> true);
    old.transitionToOpenState();
    old.transitionToHalfOpenState();
    events.clear();

    CircuitBreaker replacement = CircuitBreakers.replace(old, "orders", settings(60), publisher, b -> true);

    assertThat(replacement.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(replacement.getCircuitBreakerConfig().getFailureRateThreshold()).isEqualTo(60f);
    assertThat(events).containsExactly(new CircuitStateChanged("orders", CircuitState.HALF_OPEN, CircuitState.OPEN));
  }

  @Test
  void aClosedCircuitIsReplacedSilently() {
    CircuitBreaker old = CircuitBreakers.create("orders", settings(50), publisher, b -> true);
    CircuitBreaker replacement = CircuitBreakers.replace(old, "orders", settings(60), publisher, b -> true);
    assertThat(replacement.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(events).isEmpty();
  }

  @Test
  void aBreakerThatIsNoLongerTheServicesAnnouncesNothing() {
    CircuitBreaker replaced = CircuitBreakers.create("orders", settings(50), publisher, b -> false);
    replaced.transitionToOpenState(); // a request still running on it after a configuration change
    assertThat(events).isEmpty();
  }
}
