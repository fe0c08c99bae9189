package io.mesh4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Durations at the edge of what a long holds, found by DurationFuzzTest (whose corpus keeps the
 * inputs): parsing refuses them with a message instead of an ArithmeticException, and formatting
 * writes back any duration parsing returns.
 */
class DurationOverflowTest {

  @Test
  void parseDurationRefusesOverflowingNumbersWithAMessage() {
    for (String huge : new String[] {"999999999999999999d", "9999999999999999us", "99999999999999999999s",
        "9223372036854775807m"}) {
      assertThatThrownBy(() -> ValueParsers.parseDuration(huge)).as(huge)
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("too long duration");
    }
  }

  @Test
  void formatDurationWritesBackDurationsPastLongNanosAndMillis() {
    for (String text : new String[] {"PT2562047788015215H30M7.999999999S", "106751991167300d", "PT9223372036854775807S",
        "2562047788015215h"}) {
      Duration d = ValueParsers.parseDuration(text);
      assertThat(ValueParsers.parseDuration(ValueParsers.formatDuration(d))).as(text).isEqualTo(d);
    }
    assertThat(ValueParsers.formatDuration(Duration.ofDays(106751991167300L))).isEqualTo("106751991167300d");
    assertThat(ValueParsers.formatDuration(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo("9223372036854775807s");
    assertThat(ValueParsers.formatDuration(Duration.ofSeconds(Long.MAX_VALUE, 5_000_000)))
        .isEqualTo("PT2562047788015215H30M7.005S");
  }

  @Test
  void formatDurationStillWritesTheShortForms() {
    assertThat(ValueParsers.formatDuration(Duration.ZERO)).isEqualTo("0ms");
    assertThat(ValueParsers.formatDuration(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(ValueParsers.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(ValueParsers.formatDuration(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(ValueParsers.formatDuration(Duration.ofHours(25))).isEqualTo("25h");
    assertThat(ValueParsers.formatDuration(Duration.ofDays(365))).isEqualTo("365d");
    assertThat(ValueParsers.formatDuration(Duration.ofNanos(1500))).isEqualTo("PT0.0000015S");
  }
}
