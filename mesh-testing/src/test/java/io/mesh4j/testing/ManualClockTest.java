package io.mesh4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ManualClockTest {

  @Test
  void standsStillUntilAdvanced() {
    ManualClock clock = new ManualClock();
    long start = clock.nanoTime();

    assertThat(clock.nanoTime()).isEqualTo(start);
    assertThat(clock.wallMillis()).isEqualTo(ManualClock.DEFAULT_START.toEpochMilli());
  }

  @Test
  void advanceMovesMonotonicAndWallTimeTogether() {
    ManualClock clock = new ManualClock(Instant.parse("2030-06-01T12:00:00Z"));
    long start = clock.nanoTime();

    long returned = clock.advance(Duration.ofMillis(1500));

    assertThat(clock.nanoTime()).isEqualTo(returned).isEqualTo(start + 1_500_000_000L);
    assertThat(clock.wallMillis()).isEqualTo(Instant.parse("2030-06-01T12:00:01.500Z").toEpochMilli());
    assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void refusesToGoBack() {
    assertThatIllegalArgumentException().isThrownBy(() -> new ManualClock().advance(Duration.ofNanos(-1)));
  }

  @Test
  void concurrentAdvancesAreNotLost() throws Exception {
    ManualClock clock = new ManualClock();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(threads.submit(() -> {
          for (int i = 0; i < 10_000; i++) {
            clock.advance(Duration.ofNanos(1));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(clock.elapsed()).isEqualTo(Duration.ofNanos(40_000));
  }
}
