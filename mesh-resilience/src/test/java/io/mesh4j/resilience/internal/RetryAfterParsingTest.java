package io.mesh4j.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RFC 9110 §10.2.3: delta-seconds or an HTTP-date in any of its three forms. */
class RetryAfterParsingTest {

  private static final long NOW = Instant.parse("1994-11-06T08:49:30Z").toEpochMilli();

  private static Duration wait(String header) {
    long nanos = RetryAfter.nanos(header, NOW);
    return nanos < 0 ? null : Duration.ofNanos(nanos);
  }

  @Test
  void deltaSecondsAreAWaitFromNow() {
    assertThat(wait("120")).isEqualTo(Duration.ofSeconds(120));
    assertThat(wait(" 0 ")).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.nanos("99999999999999999999", NOW)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void everyFormOfHttpDateIsAWaitUntilThen() {
    assertThat(wait("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(Duration.ofSeconds(7)); // IMF-fixdate
    assertThat(wait("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(Duration.ofSeconds(7)); // RFC 850
    assertThat(wait("Sun Nov  6 08:49:37 1994")).isEqualTo(Duration.ofSeconds(7)); // asctime
  }

  @Test
  void aDatePassedAlreadyMeansNoWait() {
    assertThat(wait("Sun, 06 Nov 1994 08:49:00 GMT")).isEqualTo(Duration.ZERO);
  }

  @Test
  void whatIsNeitherIsIgnored() {
    assertThat(RetryAfter.nanos(null, NOW)).isEqualTo(RetryAfter.NONE);
    assertThat(RetryAfter.nanos("", NOW)).isEqualTo(RetryAfter.NONE);
    assertThat(RetryAfter.nanos("-5", NOW)).isEqualTo(RetryAfter.NONE);
    assertThat(RetryAfter.nanos("1.5", NOW)).isEqualTo(RetryAfter.NONE);
    assertThat(RetryAfter.nanos("soon", NOW)).isEqualTo(RetryAfter.NONE);
    assertThat(RetryAfter.nanos("Sun, 31 Nov 1994 08:49:37 GMT", NOW)).isEqualTo(RetryAfter.NONE);
  }
}
