package io.mesh4j.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final MeshClock clock =
      new MeshClock() {
        @Override
        public long nanoTime() {
          return nanos.get();
        }

        @Override
        public long wallMillis() {
          return nanos.get() / 1_000_000;
        }
      };

  /** ratio 0.2, no floor, a 1 s window of ten 100 ms buckets. */
  private RetryBudget budget() {
    return new RetryBudget(clock, new RetryBudget.Settings(0.2, 0, Duration.ofSeconds(1)));
  }

  private static void deposit(RetryBudget budget, int requests) {
    for (int i = 0; i < requests; i++) {
      budget.onRequest();
    }
  }

  private static int withdrawAll(RetryBudget budget) {
    int retries = 0;
    while (budget.tryRetry()) {
      retries++;
    }
    return retries;
  }

  @Test
  void retriesAreAShareOfTheRequestsInTheWindow() {
    RetryBudget budget = budget();
    deposit(budget, 10);
    nanos.addAndGet(Duration.ofMillis(350).toNanos()); // later buckets: the deposits still count
    deposit(budget, 10);
    assertThat(withdrawAll(budget)).isEqualTo(4);
  }

  @Test
  void depositsLeaveTheWindowAsItMovesOn() {
    RetryBudget budget = budget();
    deposit(budget, 10);
    nanos.addAndGet(Duration.ofMillis(500).toNanos());
    deposit(budget, 5);
    nanos.addAndGet(Duration.ofMillis(600).toNanos()); // the first ten are out, the five are in
    assertThat(withdrawAll(budget)).isEqualTo(1);

    nanos.addAndGet(Duration.ofSeconds(5).toNanos()); // all out, retries too
    deposit(budget, 10);
    assertThat(withdrawAll(budget)).isEqualTo(2);
  }

  @Test
  void theFloorAllowsRetriesWithoutRequests() {
    RetryBudget budget = new RetryBudget(clock, new RetryBudget.Settings(0.2, 3, Duration.ofSeconds(2)));
    assertThat(withdrawAll(budget)).isEqualTo(6);
  }
}
