package io.mesh4j.resilience.internal;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wait a response's {@code Retry-After} header asks for (RFC 9110 §10.2.3): delta-seconds
 * ({@code 120}) or an HTTP-date, in its preferred form ({@code Sun, 06 Nov 1994 08:49:37 GMT}) or
 * either obsolete one (RFC 850, asctime), which recipients must accept. A date is compared with
 * this host's wall clock.
 */
final class RetryAfter {

  /** What a header that says nothing usable yields. */
  static final long NONE = -1;

  private static final Pattern DELTA_SECONDS = Pattern.compile("[0-9]+");
  /** IMF-fixdate, and the one-digit day that Java's own RFC 1123 formatter writes. */
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withResolverStyle(ResolverStyle.STRICT);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss uuuu", Locale.US).withResolverStyle(ResolverStyle.STRICT);
  /** {@code Sunday, 06-Nov-94 08:49:37 GMT}: a two-digit year, resolved by hand (see below). */
  private static final Pattern RFC_850 =
      Pattern.compile("[A-Za-z]+, ([0-9]{2})-([A-Za-z]{3})-([0-9]{2}) ([0-9]{2}:[0-9]{2}:[0-9]{2}) GMT");
  private static final DateTimeFormatter RFC_850_REST =
      DateTimeFormatter.ofPattern("dd-MMM-uuuu HH:mm:ss", Locale.US).withResolverStyle(ResolverStyle.STRICT);

  private RetryAfter() {}

  /**
   * Nanoseconds to wait: 0 for a date already passed, {@link Long#MAX_VALUE} for more than any
   * clock counts; {@link #NONE} when the header is absent or malformed (then it is ignored).
   */
  static long nanos(String header, long nowWallMillis) {
    if (header == null) {
      return NONE;
    }
    String value = header.trim();
    if (DELTA_SECONDS.matcher(value).matches()) {
      if (value.length() > 12) { // beyond 30 000 years
        return Long.MAX_VALUE;
      }
      long seconds = Long.parseLong(value);
      return seconds > Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE : TimeUnit.SECONDS.toNanos(seconds);
    }
    long epochMillis = dateMillis(value, nowWallMillis);
    if (epochMillis == Long.MIN_VALUE) {
      return NONE;
    }
    long waitMillis = epochMillis - nowWallMillis;
    return waitMillis <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(waitMillis);
  }

  /** The date as epoch milliseconds, or {@link Long#MIN_VALUE} when it is none of the three forms. */
  private static long dateMillis(String value, long nowWallMillis) {
    try {
      return java.time.OffsetDateTime.parse(value, IMF_FIXDATE).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      // try the obsolete forms
    }
    try {
      return LocalDateTime.parse(value, ASCTIME).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      // and the other
    }
    Matcher m = RFC_850.matcher(value);
    if (!m.matches()) {
      return Long.MIN_VALUE;
    }
    // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is the most recent past
    // year with those digits
    int thisYear = LocalDateTime.ofEpochSecond(nowWallMillis / 1000, 0, ZoneOffset.UTC).getYear();
    int year = thisYear - Math.floorMod(thisYear, 100) + Integer.parseInt(m.group(3));
    if (year > thisYear + 50) {
      year -= 100;
    }
    String month = m.group(2).substring(0, 1).toUpperCase(Locale.ROOT) + m.group(2).substring(1).toLowerCase(Locale.ROOT);
    try {
      return LocalDateTime.parse(m.group(1) + "-" + month + "-" + year + " " + m.group(4), RFC_850_REST)
          .toInstant(ZoneOffset.UTC)
          .toEpochMilli();
    } catch (DateTimeParseException e) {
      return Long.MIN_VALUE;
    }
  }
}
