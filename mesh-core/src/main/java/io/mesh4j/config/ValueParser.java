package io.mesh4j.config;

/**
 * Turns one property's text into a typed value. Throws {@link IllegalArgumentException} whose
 * message says what is wrong with the value; {@link #expected()} says what would be right.
 */
public interface ValueParser<T> {

  T parse(String raw);

  /** What a valid value looks like, for error messages and docs, e.g. "a duration like 2s". */
  String expected();
}
