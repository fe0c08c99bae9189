package io.mesh4j.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HedgeDelayTest {

  @Test
  void aDurationIsAFixedDelayInEitherNotation() {
    assertThat(HedgeDelay.parse("50ms")).isEqualTo(new HedgeDelay(Duration.ofMillis(50), 0));
    assertThat(HedgeDelay.parse("PT0.05S")).isEqualTo(new HedgeDelay(Duration.ofMillis(50), 0));
    assertThat(HedgeDelay.parse("50ms").isPercentile()).isFalse();
  }

  @Test
  void aPercentileIsAFractionOfTheRecentLatencies() {
    assertThat(HedgeDelay.parse("p95").quantile()).isEqualTo(0.95);
    assertThat(HedgeDelay.parse(" P99.9 ").quantile()).isCloseTo(0.999, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(HedgeDelay.parse("p50").isPercentile()).isTrue();
    assertThat(HedgeDelay.parse("p95")).hasToString("p95");
    assertThat(HedgeDelay.parse("p99.9")).hasToString("p99.9");
  }

  @Test
  void nonsenseIsRefusedWithWhatIsWrong() {
    assertThatThrownBy(() -> HedgeDelay.parse("0ms")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HedgeDelay.parse("p0")).hasMessageContaining("outside p1-p99.9");
    assertThatThrownBy(() -> HedgeDelay.parse("p99.95")).hasMessageContaining("outside p1-p99.9");
    assertThatThrownBy(() -> HedgeDelay.parse("p100")).hasMessageContaining("not a percentile");
    assertThatThrownBy(() -> HedgeDelay.parse("p9e1")).hasMessageContaining("not a percentile");
    assertThatThrownBy(() -> HedgeDelay.parse("fast")).isInstanceOf(IllegalArgumentException.class);
  }
}
