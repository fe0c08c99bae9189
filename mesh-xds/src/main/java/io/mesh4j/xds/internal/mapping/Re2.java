package io.mesh4j.xds.internal.mapping;

import com.google.re2j.Pattern;

/**
 * Envoy's {@code safe_regex} as RE2/J patterns: RE2's syntax and meaning, and matching in time linear
 * in the input (these patterns run on request paths and headers; a backtracking engine could be made
 * to take seconds per request). What RE2 refuses (back-references, look-around…) is an error.
 */
final class Re2 {

  private Re2() {}

  /** The pattern, or null after adding an error naming {@code field}. */
  static Pattern compile(String regex, String field, Errors errors) {
    try {
      return Pattern.compile(regex);
    } catch (com.google.re2j.PatternSyntaxException e) {
      errors.add(field, "'" + regex + "' is not a valid RE2 regular expression: " + e.getDescription());
      return null;
    } catch (RuntimeException e) { // never let a pattern escape the mapper as an exception
      errors.add(field, "'" + regex + "' cannot be compiled as RE2: " + e);
      return null;
    }
  }
}
