package io.mesh4j.xds.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class NackDamperTest {

  private static final long MS = 1_000_000L;
  private final NackDamper damper = new NackDamper(Duration.ofMillis(100), Duration.ofMillis(300));
  private final NackDamper.Key bad = new NackDamper.Key("v2", 42, "a: broken");

  @Test
  void nacksANewResponseAtOnceAndRepeatsOfItAtDoublingIntervalsUpToTheMaximum() {
    assertThat(damper.delayNanos(bad, 0)).isZero();
    damper.sent(bad, 0);

    assertThat(damper.delayNanos(bad, 10 * MS)).isEqualTo(90 * MS);
    damper.sent(bad, 100 * MS);
    assertThat(damper.delayNanos(bad, 100 * MS)).isEqualTo(200 * MS);
    damper.sent(bad, 300 * MS);
    assertThat(damper.delayNanos(bad, 300 * MS)).isEqualTo(300 * MS);
    damper.sent(bad, 600 * MS);
    assertThat(damper.delayNanos(bad, 600 * MS)).isEqualTo(300 * MS);
  }

  @Test
  void nacksAtOnceARepeatThatArrivesOutsideTheStormWindowOfTheLastNack() {
    damper.sent(bad, 0);

    assertThat(damper.delayNanos(bad, 50 * MS)).isEqualTo(50 * MS); // a storm: damped
    damper.sent(bad, 100 * MS); // interval now 200 ms

    assertThat(damper.delayNanos(bad, 150 * MS)).isEqualTo(150 * MS);
    assertThat(damper.delayNanos(bad, 201 * MS)).isZero(); // 101 ms after the NACK: the server did not storm
  }

  @Test
  void startsOverForADifferentResponseOrAfterAnAck() {
    damper.sent(bad, 0);
    NackDamper.Key other = new NackDamper.Key("v3", 43, "a: broken");

    assertThat(damper.isNew(other)).isTrue();
    assertThat(damper.delayNanos(other, 1)).isZero();
    damper.reset();
    assertThat(damper.delayNanos(bad, 1)).isZero();
  }
}
