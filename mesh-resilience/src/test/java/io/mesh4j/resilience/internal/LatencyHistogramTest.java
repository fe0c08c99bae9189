package io.mesh4j.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  private static final long MS = 1_000_000;

  @Test
  void aPercentileIsUnknownUntilTenSamplesLieBeyondIt() {
    ManualClock clock = new ManualClock();
    LatencyHistogram h = new LatencyHistogram(clock);
    assertThat(LatencyHistogram.minSamples(0.95)).isEqualTo(200);
    assertThat(LatencyHistogram.minSamples(0.99)).isEqualTo(1000);
    assertThat(LatencyHistogram.minSamples(0.5)).isEqualTo(20);
    for (int i = 0; i < 199; i++) {
      h.record(10 * MS);
    }
    assertThat(h.percentileNanos(0.95)).isEqualTo(-1);
    clock.advance(Duration.ofSeconds(1)); // past the cache
    h.record(10 * MS);
    assertThat(h.percentileNanos(0.95)).isBetween(10 * MS, 10 * MS + 10 * MS / 8);
  }

  @Test
  void thePercentileIsTheUpperEdgeOfItsBucketAtMostAnEighthAbove() {
    ManualClock clock = new ManualClock();
    LatencyHistogram h = new LatencyHistogram(clock);
    for (int i = 1; i <= 1000; i++) {
      h.record(i * MS / 10); // 0.1 ms .. 100 ms, uniform
    }
    long p95 = h.percentileNanos(0.95);
    assertThat(p95).isBetween(95 * MS, 95 * MS + 95 * MS / 8);
    long p50 = h.percentileNanos(0.5); // another quantile is computed, not the cached p95
    assertThat(p50).isBetween(50 * MS, 50 * MS + 50 * MS / 8);
  }

  @Test
  void samplesOlderThanTheWindowAreForgotten() {
    ManualClock clock = new ManualClock();
    LatencyHistogram h = new LatencyHistogram(clock);
    for (int i = 0; i < 300; i++) {
      h.record(500 * MS);
    }
    assertThat(h.percentileNanos(0.95)).isGreaterThanOrEqualTo(500 * MS);
    clock.advance(Duration.ofSeconds((long) LatencyHistogram.SLOTS * LatencyHistogram.SLOT_SECONDS));
    assertThat(h.percentileNanos(0.95)).as("the slow samples have aged out").isEqualTo(-1);
    for (int i = 0; i < 300; i++) {
      h.record(2 * MS);
    }
    clock.advance(Duration.ofSeconds(1));
    assertThat(h.percentileNanos(0.95)).isBetween(2 * MS, 2 * MS + 2 * MS / 8);
  }

  @Test
  void bucketsCoverEveryLatencyInOrderAndEachHoldsItsValues() {
    int previous = -1;
    for (long micros = 0; micros < (1L << 27); micros = micros < 64 ? micros + 1 : micros + micros / 13) {
      int b = LatencyHistogram.bucket(micros);
      assertThat(b).isBetween(previous, LatencyHistogram.BUCKETS - 1);
      if (b < LatencyHistogram.BUCKETS - 1) {
        assertThat(LatencyHistogram.upperMicros(b)).isGreaterThan(micros);
        assertThat(LatencyHistogram.upperMicros(b)).isLessThanOrEqualTo(Math.max(micros + 1, micros + micros / 8 + 1));
      }
      previous = b;
    }
    assertThat(LatencyHistogram.bucket(Long.MAX_VALUE / 1000)).isEqualTo(LatencyHistogram.BUCKETS - 1);
  }
}
