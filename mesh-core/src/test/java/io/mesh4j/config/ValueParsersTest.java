package io.mesh4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueParsersTest {

  @ParameterizedTest
  @CsvSource({
    "250ms, PT0.25S",
    "2s, PT2S",
    "5m, PT5M",
    "1h, PT1H",
    "1d, PT24H",
    "1500us, PT0.0015S",
    "PT2S, PT2S",
    "pt1m30s, PT1M30S",
    "P1DT2H, PT26H",
  })
  void simpleAndIso8601DurationsParse(String raw, String expected) {
    assertThat(ValueParsers.parseDuration(raw)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"fast", "2", "2 s", "2sec", "1.5s", "--1s", "P", ""})
  void nonDurationsAreRejected(String raw) {
    assertThatThrownBy(() -> ValueParsers.parseDuration(raw))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a duration");
  }

  @Test
  void negativeIsoDurationIsRejectedByADurationParserWithAMinimum() {
    ValueParser<Duration> parser = ValueParsers.duration(Duration.ZERO);

    assertThatThrownBy(() -> parser.parse("PT-2S")).hasMessage("negative duration");
    assertThat(parser.expected()).contains("250ms", "PT2S");
  }

  @Test
  void negativeSimpleDurationSaysNegative() {
    assertThatThrownBy(() -> ValueParsers.parseDuration("-2s")).hasMessage("negative duration");
  }

  @Test
  void positiveDurationRejectsZeroAndSaysSo() {
    assertThat(ValueParsers.positiveDuration().expected()).endsWith(", greater than 0, at most 365d");
    assertThat(ValueParsers.duration(Duration.ofMillis(10)).expected()).endsWith(", at least 10ms, at most 365d");
    ValueParser<Duration> parser = ValueParsers.positiveDuration();

    assertThatThrownBy(() -> parser.parse("0s")).hasMessage("too short duration");
    assertThat(parser.parse("1ms")).isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void everyDurationHasAnUpperBoundAndHugeValuesFailCleanly() {
    ValueParser<Duration> parser = ValueParsers.duration(Duration.ZERO);

    assertThat(parser.parse("365d")).isEqualTo(Duration.ofDays(365));
    for (String huge : new String[] {"366d", "999999999d", "999999999999d", "99999999999999999999ms",
        "9223372036854775807d", "PT9999999999999H", "P106751991167301D"}) {
      assertThatThrownBy(() -> parser.parse(huge)).as(huge)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("too long duration");
    }
  }

  @Test
  void integerEnforcesItsInclusiveRange() {
    ValueParser<Integer> port = ValueParsers.integer(1, 65535);

    assertThat(port.parse("1")).isEqualTo(1);
    assertThat(port.parse("65535")).isEqualTo(65535);
    assertThatThrownBy(() -> port.parse("0")).hasMessage("out of range");
    assertThatThrownBy(() -> port.parse("65536")).hasMessage("out of range");
    assertThatThrownBy(() -> port.parse("http")).hasMessage("not an integer");
    assertThat(port.expected()).isEqualTo("an integer from 1 to 65535");
  }

  @Test
  void dnsLabelAcceptsLowerCaseLabelsOnly() {
    ValueParser<String> label = ValueParsers.dnsLabel();

    assertThat(label.parse("order-api")).isEqualTo("order-api");
    assertThatThrownBy(() -> label.parse("Orders")).hasMessage("not a DNS label");
    assertThatThrownBy(() -> label.parse("-orders")).hasMessage("not a DNS label");
    assertThatThrownBy(() -> label.parse("a".repeat(64))).hasMessage("not a DNS label");
  }

  @Test
  void oneOfAndBoolAndListReportTheirExpectedForm() {
    assertThat(ValueParsers.oneOf("a", "b").expected()).isEqualTo("one of a, b");
    assertThat(ValueParsers.bool().parse("TRUE")).isTrue();
    assertThat(ValueParsers.list(ValueParsers.integer(0, 9)).parse("1, 2")).containsExactly(1, 2);
    assertThatThrownBy(() -> ValueParsers.list(ValueParsers.integer(0, 9)).parse("1,,2"))
        .hasMessage("empty list item");
  }
}
