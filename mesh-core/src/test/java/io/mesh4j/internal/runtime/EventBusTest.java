package io.mesh4j.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.event.BulkheadFull;
import io.mesh4j.event.CircuitState;
import io.mesh4j.event.CircuitStateChanged;
import io.mesh4j.event.MeshEvent;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.event.ServiceRemoved;
import io.mesh4j.event.SvidStatusChanged;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBusTest {

  private final EventBus bus = new EventBus();

  @Test
  void aLateSubscriberGetsTheLatestStateOfEachKeyThenLiveEvents() {
    bus.publish(new CircuitStateChanged("orders", CircuitState.CLOSED, CircuitState.OPEN));
    bus.publish(new CircuitStateChanged("orders", CircuitState.OPEN, CircuitState.HALF_OPEN));
    bus.publish(new CircuitStateChanged("payments", CircuitState.CLOSED, CircuitState.OPEN));
    bus.publish(new BulkheadFull("orders", 10)); // a moment, not a state: not replayed
    SvidStatusChanged svid = new SvidStatusChanged("spiffe://td/a", "0a", Instant.EPOCH, 1, 0, null);
    bus.publish(svid);
    List<MeshEvent> seen = new ArrayList<>();

    bus.subscribe(seen::add);
    bus.publish(new BulkheadFull("orders", 10));

    assertThat(seen).containsExactly(
        new CircuitStateChanged("orders", CircuitState.OPEN, CircuitState.HALF_OPEN),
        new CircuitStateChanged("payments", CircuitState.CLOSED, CircuitState.OPEN),
        svid,
        new BulkheadFull("orders", 10));
  }

  @Test
  void aRemovedServicesStateIsNoLongerReplayed() {
    bus.publish(new CircuitStateChanged("orders", CircuitState.CLOSED, CircuitState.OPEN));
    bus.publish(new ServiceRemoved("orders"));
    List<MeshEvent> seen = new ArrayList<>();

    bus.subscribe(seen::add);

    assertThat(seen).isEmpty();
  }

  @Test
  void aLateStateEventOfARemovedServiceIsDeliveredButNotKeptUntilTheServiceIsBack() {
    List<MeshEvent> live = new ArrayList<>();
    bus.subscribe(live::add);
    bus.publish(new ServiceRemoved("orders"));
    CircuitStateChanged late = new CircuitStateChanged("orders", CircuitState.CLOSED, CircuitState.OPEN);
    bus.publish(late); // a request that was still running when the service went

    List<MeshEvent> replayed = new ArrayList<>();
    bus.subscribe(replayed::add).close();
    bus.publish(new io.mesh4j.event.ServiceAdded("orders"));
    bus.publish(late);
    List<MeshEvent> afterReAdd = new ArrayList<>();
    bus.subscribe(afterReAdd::add);

    assertThat(live).contains(late);
    assertThat(replayed).isEmpty();
    assertThat(afterReAdd).containsExactly(late);
  }

  @Test
  void aFailingListenerDoesNotStopTheOthersAndAClosedSubscriptionHearsNothing() {
    List<MeshEvent> seen = new ArrayList<>();
    bus.subscribe(e -> {
      throw new IllegalStateException("broken listener");
    });
    MeshEvents.Subscription subscription = bus.subscribe(BulkheadFull.class, seen::add);

    bus.publish(new BulkheadFull("orders", 1));
    subscription.close();
    subscription.close();
    bus.publish(new BulkheadFull("orders", 2));

    assertThat(seen).containsExactly(new BulkheadFull("orders", 1));
  }
}
