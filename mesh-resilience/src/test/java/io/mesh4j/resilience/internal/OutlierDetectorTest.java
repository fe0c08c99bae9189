package io.mesh4j.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.resilience.ResilienceEvent;
import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<ResilienceEvent> events = new CopyOnWriteArrayList<>();
  private final Endpoint a = Endpoint.of("127.0.0.1", 1001);
  private final Endpoint b = Endpoint.of("127.0.0.1", 1002);

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private OutlierDetector detector() {
    Map<ConfigKey<?>, Object> values =
        Map.of(
            ResilienceKeys.OUTLIER_CONSECUTIVE_FAILURES, 3,
            ResilienceKeys.OUTLIER_BASE_EJECTION_TIME, Duration.ofMillis(100),
            ResilienceKeys.OUTLIER_MAX_EJECTION_TIME, Duration.ofSeconds(10),
            ResilienceKeys.OUTLIER_MAX_EJECTION_PERCENT, 50);
    EventDispatcher dispatcher = new EventDispatcher(List.of(events::add));
    OutlierDetector d =
        new OutlierDetector(ServiceConfig.of("orders", values), MeshClock.SYSTEM, scheduler, () -> {}, dispatcher);
    d.track(List.of(a, b));
    return d;
  }

  @Test
  void failuresWhileEjectedDoNotCountAgainstTheEndpointOnceReadmitted() {
    OutlierDetector d = detector();
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
    assertThat(events.stream().filter(e -> e.type() == ResilienceEvent.Type.ENDPOINT_EJECTED)).hasSize(1);
  }
}
