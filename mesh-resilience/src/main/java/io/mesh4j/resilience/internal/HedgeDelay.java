package io.mesh4j.resilience.internal;

import io.mesh4j.config.ValueParser;
import io.mesh4j.config.ValueParsers;
import java.time.Duration;
import java.util.Locale;

/**
 * What {@code hedge.delay} says: a fixed wait ({@code 50ms}) or a percentile of the service's recent
 * first-attempt latencies ({@code p95}). Exactly one of the two is set. A record: a reload that writes the
 * same value is no change.
 *
 * @param fixed the fixed wait, or null
 * @param quantile the percentile as a fraction in (0, 1) (0.95 for {@code p95}), or 0 when fixed
 */
record HedgeDelay(Duration fixed, double quantile) {

  static final ValueParser<HedgeDelay> PARSER =
      ValueParsers.of(
          "a positive duration like 50ms, or a percentile of the service's recent latencies from p1 to"
              + " p99.9, like p95",
          HedgeDelay::parse);

  private static final ValueParser<Duration> DURATION = ValueParsers.positiveDuration();

  static HedgeDelay parse(String raw) {
    String s = raw.trim().toLowerCase(Locale.ROOT);
    // p95 is a percentile; PT0.05S (ISO-8601) a duration
    if (s.length() > 1 && s.charAt(0) == 'p' && Character.isDigit(s.charAt(1))) {
      if (!s.matches("p[0-9]{1,2}(\\.[0-9]{1,3})?")) {
        throw new IllegalArgumentException("'" + raw.trim() + "' is not a percentile like p95 or p99.9");
      }
      double percent = Double.parseDouble(s.substring(1));
      // beyond p99.9 a service's window would rarely hold enough samples to know it
      if (percent < 1 || percent > 99.9) {
        throw new IllegalArgumentException("percentile '" + raw.trim() + "' is outside p1-p99.9");
      }
      return new HedgeDelay(null, percent / 100);
    }
    return new HedgeDelay(DURATION.parse(raw), 0);
  }

  boolean isPercentile() {
    return fixed == null;
  }

  @Override
  public String toString() {
    if (fixed != null) {
      return ValueParsers.formatDuration(fixed);
    }
    double percent = quantile * 100;
    long whole = Math.round(percent);
    return Math.abs(percent - whole) < 1e-9 ? "p" + whole : "p" + percent;
  }
}
