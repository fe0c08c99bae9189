package io.mesh4j.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServiceBulkheadTest {

  private static int acquireAll(ServiceBulkhead bulkhead) {
    int n = 0;
    while (bulkhead.tryAcquire()) {
      n++;
    }
    return n;
  }

  @Test
  void raisingTheLimitKeepsTheSlotsInUse() {
    ServiceBulkhead bulkhead = new ServiceBulkhead("orders", 2, Duration.ZERO);
    assertThat(acquireAll(bulkhead)).isEqualTo(2);
    bulkhead.resize(5, Duration.ZERO);
    assertThat(bulkhead.limit()).isEqualTo(5);
    assertThat(acquireAll(bulkhead)).as("5 in all, 2 of them still held").isEqualTo(3);
  }

  @Test
  void loweringTheLimitBelowTheRequestsInFlightNeverBlocksAndTakesEffectAsTheyFinish() {
    ServiceBulkhead bulkhead = new ServiceBulkhead("orders", 4, Duration.ofMillis(50));
    assertThat(acquireAll(bulkhead)).isEqualTo(4);
    bulkhead.release(); // 3 in flight, 1 free

    assertTimeoutPreemptively(Duration.ofSeconds(1), () -> bulkhead.resize(1, Duration.ofMillis(50)));
    assertThat(bulkhead.limit()).isEqualTo(1);
    assertThat(bulkhead.tryAcquire()).as("3 in flight, limit 1").isFalse();
    bulkhead.release();
    bulkhead.release(); // 1 in flight: the limit
    assertThat(bulkhead.tryAcquire()).isFalse();
    bulkhead.release(); // none in flight
    assertThat(acquireAll(bulkhead)).isEqualTo(1);
  }

  @Test
  void raisingAgainGivesBackWhatALoweredLimitKeptBack() {
    ServiceBulkhead bulkhead = new ServiceBulkhead("orders", 4, Duration.ZERO);
    assertThat(acquireAll(bulkhead)).isEqualTo(4);
    bulkhead.resize(2, Duration.ZERO); // nothing free: two releases are owed
    bulkhead.release(); // kept back
    bulkhead.resize(3, Duration.ZERO); // forgives one owed release: 3 in flight, limit 3
    assertThat(bulkhead.tryAcquire()).isFalse();
    bulkhead.release();
    assertThat(acquireAll(bulkhead)).as("2 in flight, limit 3").isEqualTo(1);
  }
}
