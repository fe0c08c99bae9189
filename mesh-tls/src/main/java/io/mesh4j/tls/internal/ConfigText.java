package io.mesh4j.tls.internal;

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
    String message = what + " '" + value + "'";
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String typed = value.trim();
    int limit = typed.length() <= 3 ? 1 : 2;
    for (String c : choices) {
      int d = distance(typed.toLowerCase(java.util.Locale.ROOT), c);
      if (d <= limit && d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best == null ? message : message + ", did you mean '" + best + "'?";
  }

  /** Edits (insert, delete, substitute, swap adjacent) to turn {@code a} into {@code b}. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /** {@code 1h}, {@code 10m}, {@code 30s}, {@code 250ms}; ISO-8601 only for what those cannot say. */
  public static String duration(Duration d) {
    if (d.isNegative() || d.toNanos() % 1_000_000 != 0) {
      return d.toString();
    }
    long ms = d.toMillis();
    if (ms > 0 && ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms > 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms > 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms > 0 && ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
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
