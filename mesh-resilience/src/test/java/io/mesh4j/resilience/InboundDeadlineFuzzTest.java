package io.mesh4j.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Fuzzes the server side of deadline propagation: the {@value InboundDeadline#HEADER} value a
 * caller sends. A malformed header must never fail the request (it is ignored); a deadline read
 * from it never leaves more time than the caller asked for; and what the mesh itself sends (a
 * non-negative whole number of milliseconds) is always understood.
 */
class InboundDeadlineFuzzTest {

  @FuzzTest
  void fromHeader(byte[] data) {
    String value = new String(data, StandardCharsets.ISO_8859_1); // header values are octets
    long before = System.nanoTime();
    Optional<Deadline> deadline = InboundDeadline.fromHeader(value);
    assertThat(InboundDeadline.fromHeaders(Map.of(InboundDeadline.HEADER, value)::get).isPresent())
        .isEqualTo(deadline.isPresent());

    String trimmed = value.trim();
    if (trimmed.matches("\\d{1,18}")) {
      // the form DeadlineHeaderStage writes: always understood
      assertThat(deadline).as("deadline from '%s'", value).isPresent();
    }
    if (deadline.isEmpty()) {
      return;
    }
    // present only for a non-negative number, and never more time than it says
    BigInteger asked = new BigInteger(trimmed.startsWith("+") ? trimmed.substring(1) : trimmed);
    assertThat(asked.signum()).isNotNegative();
    long elapsedMillis = (System.nanoTime() - before) / 1_000_000 + 1;
    assertThat(BigInteger.valueOf(deadline.get().remainingMillis())).isLessThanOrEqualTo(asked);
    if (asked.compareTo(BigInteger.valueOf(86_400_000L * 365 * 100)) < 0) {
      assertThat(deadline.get().remainingMillis()).isGreaterThanOrEqualTo(asked.longValue() - elapsedMillis - 1000);
    }
    if (asked.signum() == 0) {
      assertThat(deadline.get().remainingMillis()).as("a caller that waits no longer").isZero();
    }

    // entering it makes it current on this thread only until the scope closes
    try (InboundDeadline.Scope scope = InboundDeadline.enter(deadline.get())) {
      assertThat(InboundDeadline.current()).containsSame(deadline.get());
    }
    assertThat(InboundDeadline.current()).isEmpty();
  }
}
