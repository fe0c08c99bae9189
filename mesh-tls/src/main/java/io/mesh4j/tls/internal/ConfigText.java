package io.mesh4j.tls.internal;

import io.mesh4j.config.ValueParsers;
import java.time.Duration;
import java.util.List;

/**
 * Small helpers for configuration messages: a "did you mean" for a near-miss word, and durations
 * in the short form users write ({@code 1h}, not {@code PT1H}). The mesh-core config loader appends
 * "(expected: ...)" to every parser message, so messages built here never repeat the choices.
 */
public final class ConfigText {

  private ConfigText() {}

  /** {@code unknown <what> '<value>'}, plus {@code , did you mean '<choice>'?} for a near miss. */
  public static String unknown(String what, String value, List<String> choices) {
    String typed = value.trim().toLowerCase(java.util.Locale.ROOT);
    return what + " '" + value + "'"
        + ValueParsers.closest(typed, choices).map(c -> ", did you mean '" + c + "'?").orElse("");
  }

  /** {@code 1h}, {@code 10m}, {@code 30s}, {@code 250ms}; ISO-8601 only for what those cannot say. */
  public static String duration(Duration d) {
    return ValueParsers.formatDuration(d);
  }

  /** A config value as a user would write it: durations short, enums by their text. */
  public static String value(Object v) {
    if (v instanceof Duration) {
      return duration((Duration) v);
    }
    if (v instanceof io.mesh4j.tls.TlsMode) {
      return ((io.mesh4j.tls.TlsMode) v).text();
    }
    if (v instanceof io.mesh4j.tls.MinTlsVersion) {
      return ((io.mesh4j.tls.MinTlsVersion) v).text();
    }
    return String.valueOf(v);
  }
}
