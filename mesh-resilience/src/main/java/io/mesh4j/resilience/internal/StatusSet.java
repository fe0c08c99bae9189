package io.mesh4j.resilience.internal;

import io.mesh4j.config.ValueParser;
import io.mesh4j.config.ValueParsers;
import java.util.BitSet;
import java.util.List;

/**
 * A set of HTTP status codes, written as codes and ranges: {@code 500-599}, {@code 429,503}.
 * Immutable; equal when the codes are (however written), so a reload that only rewrites the value
 * is no change.
 */
final class StatusSet {

  private final BitSet codes;
  private final String text;

  private StatusSet(BitSet codes, String text) {
    this.codes = codes;
    this.text = text;
  }

  static final ValueParser<StatusSet> PARSER =
      ValueParsers.of(
          "a comma-separated list of HTTP status codes or ranges from 100 to 599, like 500-599 or 502,503",
          StatusSet::parse);

  static StatusSet parse(String raw) {
    BitSet codes = new BitSet(600);
    for (String part : raw.split(",", -1)) {
      String p = part.trim();
      int dash = p.indexOf('-');
      int from = code(dash < 0 ? p : p.substring(0, dash));
      int to = dash < 0 ? from : code(p.substring(dash + 1));
      if (to < from) {
        throw new IllegalArgumentException("range '" + p + "' ends before it starts");
      }
      codes.set(from, to + 1);
    }
    return new StatusSet(codes, raw.trim());
  }

  static StatusSet of(List<Integer> list) {
    BitSet codes = new BitSet(600);
    list.forEach(codes::set);
    return new StatusSet(codes, list.toString());
  }

  private static int code(String s) {
    try {
      int c = Integer.parseInt(s.trim());
      if (c >= 100 && c <= 599) {
        return c;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("'" + s.trim() + "' is not an HTTP status code");
  }

  boolean contains(int code) {
    return code >= 0 && codes.get(code);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StatusSet other && codes.equals(other.codes);
  }

  @Override
  public int hashCode() {
    return codes.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
