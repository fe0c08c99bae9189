package io.mesh4j.xds.internal.mapping;

import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.Locale;
import java.util.function.Predicate;
import com.google.re2j.Pattern;

/** A compiled Envoy {@link StringMatcher}. */
final class StringMatch {

  private StringMatch() {}

  /** The predicate, or null after adding an error naming {@code field}. */
  static Predicate<String> compile(StringMatcher m, String field, Errors errors) {
    boolean ignoreCase = m.getIgnoreCase();
    return switch (m.getMatchPatternCase()) {
      case EXACT -> {
        String v = m.getExact();
        yield ignoreCase ? s -> s.equalsIgnoreCase(v) : v::equals;
      }
      case PREFIX -> {
        String v = m.getPrefix();
        if (v.isEmpty()) {
          errors.add(field + ".prefix", "is empty");
          yield null;
        }
        yield ignoreCase ? s -> s.regionMatches(true, 0, v, 0, v.length()) : s -> s.startsWith(v);
      }
      case SUFFIX -> {
        String v = m.getSuffix();
        if (v.isEmpty()) {
          errors.add(field + ".suffix", "is empty");
          yield null;
        }
        yield ignoreCase
            ? s -> s.length() >= v.length() && s.regionMatches(true, s.length() - v.length(), v, 0, v.length())
            : s -> s.endsWith(v);
      }
      case CONTAINS -> {
        String v = m.getContains();
        if (v.isEmpty()) {
          errors.add(field + ".contains", "is empty");
          yield null;
        }
        if (ignoreCase) {
          String lower = v.toLowerCase(Locale.ROOT);
          yield s -> s.toLowerCase(Locale.ROOT).contains(lower);
        }
        yield s -> s.contains(v);
      }
      case SAFE_REGEX -> {
        // Envoy: ignore_case does not apply to regular expressions
        Pattern p = Re2.compile(m.getSafeRegex().getRegex(), field + ".safe_regex.regex", errors);
        yield p == null ? null : s -> p.matcher(s).matches();
      }
      case CUSTOM -> {
        errors.add(field + ".custom", "custom string matchers are not supported");
        yield null;
      }
      default -> {
        errors.add(field, "has no match pattern");
        yield null;
      }
    };
  }
}
