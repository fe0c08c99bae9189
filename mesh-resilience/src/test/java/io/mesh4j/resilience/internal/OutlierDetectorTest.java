package io.mesh4j.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.event.EndpointEjected;
import io.mesh4j.event.EndpointReadmitted;
import io.mesh4j.event.MeshEvent;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.event.MeshEventListener;
import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {

  private final ScheduledThreadPoolExecutor scheduler =
      (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1);
  private final List<MeshEvent> events = new CopyOnWriteArrayList<>();
  private final Endpoint a = Endpoint.of("127.0.0.1", 1001);
  private final Endpoint b = Endpoint.of("127.0.0.1", 1002);

  {
    scheduler.setRemoveOnCancelPolicy(true);
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private OutlierDetector detector(Duration baseEjection) {
    OutlierDetector d =
        new OutlierDetector(
            "orders",
            new OutlierDetector.Settings(3, baseEjection, Duration.ofSeconds(10), 50),
            MeshClock.SYSTEM,
            scheduler,
            () -> {},
            new ResilienceEvents(new Recording()));
    d.track(List.of(a, b));
    return d;
  }

  private long count(Class<? extends MeshEvent> type) {
    return events.stream().filter(type::isInstance).count();
  }

  @Test
  void failuresWhileEjectedDoNotCountAgainstTheEndpointOnceReadmitted() {
    OutlierDetector d = detector(Duration.ofMillis(100));
    for (int i = 0; i < 3; i++) {
      d.record(a, false);
    }
    assertThat(d.isEjected(a)).isTrue();
    for (int i = 0; i < 5; i++) { // attempts that were already in flight, or panic traffic
      d.record(a, false);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !d.isEjected(a));
    d.record(a, false); // one failure after re-admission is not a reason to eject again
    assertThat(d.isEjected(a)).isFalse();
    assertThat(count(EndpointEjected.class)).isEqualTo(1);
  }

  @Test
  void anEndpointIsFollowedByItsAddressWhateverItsOtherAttributes() {
    OutlierDetector d = detector(Duration.ofSeconds(30));
    Endpoint heavierA = a.withWeight(5);
    d.record(a, false);
    d.record(heavierA, false); // counts for the same address
    d.record(a, false);
    assertThat(d.isEjected(heavierA)).isTrue();

    d.track(List.of(heavierA, b)); // discovery now reports it with another weight
    assertThat(d.isEjected(a)).isTrue();
    assertThat(d.ejected()).containsExactly(heavierA);
  }

  @Test
  void newThresholdsApplyToTheNextFailuresAndKeepTheCounts() {
    OutlierDetector d = detector(Duration.ofSeconds(30));
    d.record(a, false);
    d.record(a, false);
    d.settings(new OutlierDetector.Settings(5, Duration.ofSeconds(30), Duration.ofSeconds(60), 50));
    d.record(a, false);
    assertThat(d.isEjected(a)).as("3 of 5").isFalse();
    d.record(a, false);
    d.record(a, false);
    assertThat(d.isEjected(a)).isTrue();
    assertThat(events).filteredOn(EndpointEjected.class::isInstance)
        .containsExactly(new EndpointEjected("orders", a, 5, Duration.ofSeconds(30)));
  }

  @Test
  void closingCancelsPendingReadmissions() {
    OutlierDetector d = detector(Duration.ofSeconds(30));
    for (int i = 0; i < 3; i++) {
      d.record(a, false);
    }
    assertThat(scheduler.getQueue()).hasSize(1);
    d.close();
    assertThat(scheduler.getQueue()).as("cancelled, not left to fire in 30s").isEmpty();
    for (int i = 0; i < 3; i++) {
      d.record(b, false);
    }
    assertThat(d.isEjected(b)).as("a closed detector ejects nothing").isFalse();
    assertThat(count(EndpointReadmitted.class)).isZero();
  }

  /** The bus: keeps what is published. */
  private final class Recording implements MeshEvents {
    @Override
    public void publish(MeshEvent event) {
      events.add(event);
    }

    @Override
    public Subscription subscribe(MeshEventListener listener) {
      throw new UnsupportedOperationException();
    }
  }
}
