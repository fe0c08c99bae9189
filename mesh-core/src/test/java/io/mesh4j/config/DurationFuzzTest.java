package io.mesh4j.config;

import static io.mesh4j.config.FuzzContracts.rejectedWithMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mesh4j.internal.runtime.Plugins;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fuzzes {@link ValueParsers#parseDuration} and the parser of every duration key core declares
 * ({@code timeout}, {@code discovery.*}, {@code mesh.config.watch-interval}, policy keys): each
 * value either parses or is refused with a message, and what parses is written back by {@link
 * ValueParsers#formatDuration} to text that parses to the same duration. It deliberately assumes
 * no upper bound: the keys' bounds are the keys' business, asserted only as "never negative".
 */
class DurationFuzzTest {

  /** Core's duration keys, found the way a client finds them, by what they expect. */
  private static final List<ConfigKey<?>> DURATION_KEYS = durationKeys();

  @FuzzTest
  void parse(byte[] data) {
    String raw = new String(data, StandardCharsets.UTF_8);
    Duration parsed = null;
    try {
      parsed = ValueParsers.parseDuration(raw);
    } catch (IllegalArgumentException e) {
      rejectedWithMessage(e, null);
    }
    if (parsed != null) {
      assertThat(ValueParsers.parseDuration(ValueParsers.formatDuration(parsed))).isEqualTo(parsed);
    }
    for (ConfigKey<?> key : DURATION_KEYS) {
      Duration d;
      try {
        d = (Duration) key.parser().parse(raw);
      } catch (IllegalArgumentException e) {
        rejectedWithMessage(e, null);
        continue;
      }
      // a key accepts a subset of what parseDuration does, with the same meaning
      assertThat(d).as("%s=%s", key.name(), raw).isEqualTo(parsed);
      assertThat(d.isNegative()).as("%s=%s", key.name(), raw).isFalse();
      assertThat(key.parser().parse(ValueParsers.formatDuration(d))).isEqualTo(d);
    }
  }

  private static List<ConfigKey<?>> durationKeys() {
    ConfigSchema schema = Plugins.load(DurationFuzzTest.class.getClassLoader(), List.of(), List.of(), List.of()).schema();
    List<ConfigKey<?>> keys = Stream.concat(schema.globalKeys().stream(), schema.serviceKeys().stream())
        .filter(k -> k.parser().expected().startsWith("a duration"))
        .toList();
    assertThat(keys).extracting(ConfigKey::name).contains("timeout", "discovery.initial-wait");
    return keys;
  }
}
