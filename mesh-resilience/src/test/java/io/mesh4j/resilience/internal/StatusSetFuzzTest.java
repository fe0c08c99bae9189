package io.mesh4j.resilience.internal;

import static io.mesh4j.testing.fuzz.FuzzTargets.rejectedWithMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes HTTP status sets ({@code circuit-breaker.failure-statuses}, {@link StatusSet#PARSER}):
 * refused with a message, or codes within 100-599 only, equal to the set written back as
 * canonical ranges, and keeping the text as written for messages.
 */
class StatusSetFuzzTest {

  @FuzzTest
  void parse(byte[] data) {
    String raw = new String(data, StandardCharsets.UTF_8);
    StatusSet set;
    try {
      set = StatusSet.PARSER.parse(raw);
    } catch (IllegalArgumentException e) {
      rejectedWithMessage(e, null);
      assertThat(e.getMessage()).containsAnyOf("is not an HTTP status code", "ends before it starts");
      return;
    }
    assertThat(set.toString()).isEqualTo(raw.trim());
    List<String> ranges = new ArrayList<>();
    int from = -1;
    for (int code = -1; code <= 1001; code++) {
      boolean in = set.contains(code);
      if (in) {
        assertThat(code).isBetween(100, 599);
      }
      if (in && from < 0) {
        from = code;
      } else if (!in && from >= 0) {
        ranges.add(from == code - 1 ? Integer.toString(from) : from + "-" + (code - 1));
        from = -1;
      }
    }
    assertThat(ranges).as("a parsed set is never empty").isNotEmpty();
    assertThat(StatusSet.PARSER.parse(String.join(",", ranges))).isEqualTo(set);
  }
}
