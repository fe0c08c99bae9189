package io.mesh4j.resilience.internal;

import io.mesh4j.config.ValueParser;
import io.mesh4j.config.ValueParsers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code retry.on} lists: failure kinds ({@code connect-failure}, {@code reset}, {@code
 * timeout}, {@code 5xx}) and status codes. Immutable, with value equality (a record over a {@link
 * StatusSet}): a reload that does not change it is no change.
 */
record RetryOn(boolean connectFailure, boolean reset, boolean timeout, boolean any5xx, StatusSet statuses) {

  static final String DEFAULT = "connect-failure,reset,502,503,504";

  static final ValueParser<RetryOn> PARSER =
      ValueParsers.of(
          "a comma-separated list of connect-failure, reset, timeout, 5xx and HTTP status codes (100-599)",
          RetryOn::parse);

  static RetryOn parse(String raw) {
    boolean connect = false;
    boolean reset = false;
    boolean timeout = false;
    boolean any5xx = false;
    List<Integer> codes = new ArrayList<>();
    for (String part : raw.split(",", -1)) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      switch (p) {
        case "connect-failure" -> connect = true;
        case "reset" -> reset = true;
        case "timeout" -> timeout = true;
        case "5xx" -> any5xx = true;
        default -> {
          if (!p.matches("[1-5][0-9][0-9]")) {
            throw new IllegalArgumentException("unknown retry condition '" + part.trim() + "'");
          }
          codes.add(Integer.parseInt(p));
        }
      }
    }
    return new RetryOn(connect, reset, timeout, any5xx, StatusSet.of(codes));
  }

  boolean status(int code) {
    return (any5xx && code >= 500 && code <= 599) || statuses.contains(code);
  }

  boolean failure(FailureKind kind) {
    return switch (kind) {
      case CONNECT -> connectFailure;
      case RESET -> reset;
      case TIMEOUT -> timeout;
      case MISMATCH, OTHER -> false;
    };
  }
}
