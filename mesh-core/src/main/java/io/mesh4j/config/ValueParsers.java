package io.mesh4j.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the value types that mesh keys use. */
public final class ValueParsers {

  private static final Pattern SIMPLE_DURATION =
      Pattern.compile("(\\d+)(ns|us|ms|s|m|h|d)");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");

  private ValueParsers() {}

  /** Builds a parser from a function that throws {@link IllegalArgumentException} on bad input. */
  public static <T> ValueParser<T> of(String expected, Function<String, T> parse) {
    return new ValueParser<>() {
      @Override
      public T parse(String raw) {
        return parse.apply(raw);
      }

      @Override
      public String expected() {
        return expected;
      }
    };
  }

  public static ValueParser<String> string() {
    return of("any text", s -> s);
  }

  public static ValueParser<String> nonEmpty() {
    return of(
        "a non-empty value",
        s -> {
          if (s.isEmpty()) {
            throw new IllegalArgumentException("empty value");
          }
          return s;
        });
  }

  /** Durations as {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601 ({@code PT2S}). */
  public static Duration parseDuration(String raw) {
    String s = raw.trim();
    Matcher m = SIMPLE_DURATION.matcher(s);
    if (m.matches()) {
      try {
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ns":
            return Duration.ofNanos(n);
          case "us":
            return Duration.ofNanos(Math.multiplyExact(n, 1000L));
          case "ms":
            return Duration.ofMillis(n);
          case "s":
            return Duration.ofSeconds(n);
          case "m":
            return Duration.ofMinutes(n);
          case "h":
            return Duration.ofHours(n);
          default:
            return Duration.ofDays(n);
        }
      } catch (ArithmeticException | NumberFormatException e) { // more digits than a long, or its overflow
        throw new IllegalArgumentException("too long duration");
      }
    }
    if (s.startsWith("-") && SIMPLE_DURATION.matcher(s.substring(1)).matches()) {
      throw new IllegalArgumentException("negative duration"); // clearer than "not a duration"
    }
    if (s.length() > 1 && (s.charAt(0) == 'P' || s.charAt(0) == 'p')) {
      try {
        return Duration.parse(s);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("too long duration");
      } catch (DateTimeParseException e) {
        if (e.getCause() instanceof ArithmeticException) {
          throw new IllegalArgumentException("too long duration");
        }
        // fall through to the common message
      }
    }
    throw new IllegalArgumentException("not a duration" + durationHint(s));
  }

  /** A likely fix for common slips: {@code 2 s}, {@code 2S}, {@code 1.5s}. */
  private static String durationHint(String s) {
    String compact = s.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
    if (!compact.equals(s) && SIMPLE_DURATION.matcher(compact).matches()) {
      return ", did you mean '" + compact + "'?";
    }
    Matcher fraction = Pattern.compile("(\\d+)\\.(\\d+)(s|m|h)").matcher(compact);
    if (fraction.matches()) {
      try {
        double value = Double.parseDouble(fraction.group(1) + "." + fraction.group(2));
        long unitMillis = fraction.group(3).equals("s") ? 1000 : fraction.group(3).equals("m") ? 60_000 : 3_600_000;
        return ", no fractions: did you mean '" + Math.round(value * unitMillis) + "ms'?";
      } catch (NumberFormatException e) {
        return "";
      }
    }
    return "";
  }

  /**
   * The choice closest to what was typed, when it is close enough to be a slip ({@code strick}
   * → {@code strict}), for "did you mean" messages.
   */
  public static java.util.Optional<String> closest(String typed, java.util.Collection<String> choices) {
    return KeySuggester.closest(typed, choices);
  }

  /**
   * The longest duration any key accepts unless it says less: far beyond any sensible timeout or
   * interval, and far below what overflows nanosecond arithmetic (~292 years), so a slip like
   * {@code 999999999d} fails at startup naming the key instead of on every request.
   */
  public static final Duration MAX_DURATION = Duration.ofDays(365);

  /** A duration from {@code min} (inclusive) to {@link #MAX_DURATION}. */
  public static ValueParser<Duration> duration(Duration min) {
    return duration(min, MAX_DURATION);
  }

  /** A duration from {@code min} to {@code max} (both inclusive). */
  public static ValueParser<Duration> duration(Duration min, Duration max) {
    String bound =
        min.isZero() ? "" : min.equals(Duration.ofNanos(1)) ? ", greater than 0" : ", at least " + formatDuration(min);
    String expected =
        "a duration like 250ms, 2s, 5m, 1h or ISO-8601 PT2S" + bound + ", at most " + formatDuration(max);
    return of(
        expected,
        s -> {
          Duration d = parseDuration(s);
          if (d.compareTo(min) < 0) {
            throw new IllegalArgumentException((d.isNegative() ? "negative" : "too short") + " duration");
          }
          if (d.compareTo(max) > 0) {
            throw new IllegalArgumentException("too long duration");
          }
          return d;
        });
  }

  /** A strictly positive duration. */
  public static ValueParser<Duration> positiveDuration() {
    return duration(Duration.ofNanos(1));
  }

  public static ValueParser<Integer> integer(int min, int max) {
    return of(
        "an integer from " + min + " to " + max,
        s -> {
          int v;
          try {
            v = Integer.parseInt(s.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
          }
          if (v < min || v > max) {
            throw new IllegalArgumentException("out of range");
          }
          return v;
        });
  }

  public static ValueParser<Double> decimal(double min, double max) {
    return of(
        "a number from " + min + " to " + max,
        s -> {
          double v;
          try {
            v = Double.parseDouble(s.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
          }
          if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException("out of range");
          }
          return v;
        });
  }

  public static ValueParser<Boolean> bool() {
    return of(
        "true or false",
        s -> {
          String v = s.trim().toLowerCase(Locale.ROOT);
          if (v.equals("true")) {
            return Boolean.TRUE;
          }
          if (v.equals("false")) {
            return Boolean.FALSE;
          }
          throw new IllegalArgumentException("not a boolean");
        });
  }

  /** One of a fixed set of words, compared exactly (they are all lower-case). */
  public static ValueParser<String> oneOf(String... choices) {
    Set<String> allowed = Set.of(choices);
    return of(
        "one of " + String.join(", ", choices),
        s -> {
          String v = s.trim();
          if (!allowed.contains(v)) {
            throw new IllegalArgumentException(
                "unknown value"
                    + closest(v, allowed).map(c -> ", did you mean '" + c + "'?").orElse(""));
          }
          return v;
        });
  }

  /** A comma-separated list, each item parsed by {@code item}; empty items are errors. */
  public static <T> ValueParser<List<T>> list(ValueParser<T> item) {
    return of(
        "a comma-separated list of " + item.expected(),
        s -> {
          List<T> out = new ArrayList<>();
          for (String part : s.split(",", -1)) {
            String p = part.trim();
            if (p.isEmpty()) {
              throw new IllegalArgumentException("empty list item");
            }
            try {
              out.add(item.parse(p));
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException("item '" + p + "': " + e.getMessage(), e);
            }
          }
          return List.copyOf(out);
        });
  }

  /** A lower-case DNS label: what service names must be, so they can be URL hosts. */
  public static ValueParser<String> dnsLabel() {
    return of(
        "a lower-case DNS label (a-z, 0-9, '-', at most 63 characters)",
        s -> {
          if (!DNS_LABEL.matcher(s).matches()) {
            throw new IllegalArgumentException("not a DNS label");
          }
          return s;
        });
  }

  /** A SPIFFE trust domain name: lower-case letters, digits, '.', '-', '_'. */
  public static ValueParser<String> trustDomain() {
    return of(
        "a trust domain name of lower-case letters, digits, '.', '-' and '_'",
        s -> {
          if (!TRUST_DOMAIN.matcher(s).matches()) {
            throw new IllegalArgumentException("not a valid trust domain");
          }
          return s;
        });
  }

  /** A duration as users write it: {@code 1h}, {@code 10m}, {@code 30s}, {@code 250ms}; ISO-8601 otherwise. */
  public static String formatDuration(Duration d) {
    if (d.isNegative() || d.getNano() % 1_000_000 != 0) {
      return d.toString();
    }
    // from seconds and nanos: toNanos() and toMillis() overflow past ~292 years, a duration
    // parseDuration returns (PT2562047788015215H)
    long s = d.getSeconds();
    if (d.getNano() == 0 && s > 0) {
      if (s % 86_400 == 0) {
        return s / 86_400 + "d";
      }
      if (s % 3_600 == 0) {
        return s / 3_600 + "h";
      }
      if (s % 60 == 0) {
        return s / 60 + "m";
      }
      return s + "s";
    }
    if (s > Long.MAX_VALUE / 1000 - 1) {
      return d.toString(); // whole milliseconds would not fit a long
    }
    return s * 1000 + d.getNano() / 1_000_000 + "ms";
  }


}
