package io.mesh4j.resilience.internal;

import static io.mesh4j.testing.fuzz.FuzzTargets.rejectedWithMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes {@code retry.on} ({@link RetryOn#PARSER}): refused with a message naming the bad item,
 * or conditions that, written back in canonical form, parse to the same value, and that retry
 * exactly the statuses they list (all of 500-599 for {@code 5xx}).
 */
class RetryOnFuzzTest {

  @FuzzTest
  void parse(byte[] data) {
    String raw = new String(data, StandardCharsets.UTF_8);
    RetryOn on;
    try {
      on = RetryOn.PARSER.parse(raw);
    } catch (IllegalArgumentException e) {
      rejectedWithMessage(e, "unknown retry condition '");
      return;
    }
    List<String> canonical = new ArrayList<>();
    if (on.connectFailure()) {
      canonical.add("connect-failure");
    }
    if (on.reset()) {
      canonical.add("reset");
    }
    if (on.timeout()) {
      canonical.add("timeout");
    }
    if (on.any5xx()) {
      canonical.add("5xx");
    }
    for (int code = -1; code <= 1000; code++) {
      if (on.statuses().contains(code)) {
        assertThat(code).isBetween(100, 599);
        canonical.add(Integer.toString(code));
      }
      assertThat(on.status(code)).isEqualTo(on.any5xx() && code >= 500 && code <= 599 || on.statuses().contains(code));
    }
    assertThat(RetryOn.PARSER.parse(String.join(",", canonical))).isEqualTo(on);
  }
}
