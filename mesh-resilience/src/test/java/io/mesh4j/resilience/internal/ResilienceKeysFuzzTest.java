package io.mesh4j.resilience.internal;

import static io.mesh4j.testing.fuzz.FuzzTargets.rejectedWithMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mesh4j.config.ConfigKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import okhttp3.HttpUrl;

/**
 * Fuzzes the value parser of every resilience key with the same text: each refuses with a message
 * or gives a value; a duration is never negative and reads back from its ISO-8601 text; a
 * health-check path is one OkHttp accepts (probes would otherwise fail on every interval).
 */
class ResilienceKeysFuzzTest {

  @FuzzTest
  void parse(byte[] data) {
    String raw = new String(data, StandardCharsets.UTF_8);
    for (ConfigKey<?> key : ResilienceKeys.ALL) {
      Object value;
      try {
        value = key.parser().parse(raw);
      } catch (IllegalArgumentException e) {
        rejectedWithMessage(e, null);
        continue;
      }
      assertThat(value).as(key.name()).isNotNull();
      if (value instanceof Duration d) {
        assertThat(d.isNegative()).as("%s=%s", key.name(), raw).isFalse();
        // ISO-8601, not formatDuration: core's own fuzz target covers that, against core's code
        assertThat(key.parser().parse(d.toString())).isEqualTo(d);
      }
      if (key == ResilienceKeys.HC_PATH) {
        HttpUrl probe = new HttpUrl.Builder().scheme("http").host("127.0.0.1").port(8080)
            .encodedPath((String) value).build();
        assertThat(probe.encodedPath()).startsWith("/");
      }
    }
  }
}
