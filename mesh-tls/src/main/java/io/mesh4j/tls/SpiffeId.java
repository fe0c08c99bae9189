package io.mesh4j.tls;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A SPIFFE ID ({@code spiffe://<trust-domain>/<path>}), parsed and validated exactly as the
 * SPIFFE-ID standard says: lower-case {@code spiffe} scheme; a trust domain of [a-z0-9._-] with no
 * port or userinfo; no query or fragment; path segments of [A-Za-z0-9._-], none empty, {@code .}
 * or {@code ..}; no trailing slash; at most 2048 characters. Non-ASCII input is rejected before
 * anything else looks at it, and nothing is case-folded, so the result never depends on the
 * default locale.
 *
 * <p>Immutable; two IDs are equal when their text is equal.
 */
public final class SpiffeId implements Comparable<SpiffeId> {

  static final String SCHEME_PREFIX = "spiffe://";
  static final int MAX_LENGTH = 2048;

  private final TrustDomain trustDomain;
  private final String path;
  private final List<String> segments;
  private final String text;

  private SpiffeId(TrustDomain trustDomain, String path) {
    this.trustDomain = trustDomain;
    this.path = path;
    this.text = SCHEME_PREFIX + trustDomain.name() + path;
    List<String> segs = new ArrayList<>();
    if (!path.isEmpty()) {
      for (String s : path.substring(1).split("/", -1)) {
        segs.add(s);
      }
    }
    this.segments = Collections.unmodifiableList(segs);
  }

  /**
   * Parses a SPIFFE ID.
   *
   * @throws IllegalArgumentException whose message quotes the input and says what is wrong
   */
  public static SpiffeId parse(String text) {
    Objects.requireNonNull(text, "SPIFFE ID");
    String problem = problemWith(text);
    if (problem != null) {
      throw new IllegalArgumentException("invalid SPIFFE ID '" + printable(text) + "': " + problem);
    }
    int slash = text.indexOf('/', SCHEME_PREFIX.length());
    String td = slash < 0 ? text.substring(SCHEME_PREFIX.length()) : text.substring(SCHEME_PREFIX.length(), slash);
    String path = slash < 0 ? "" : text.substring(slash);
    return new SpiffeId(TrustDomain.ofChecked(td), path);
  }

  /** True when {@code text} is a valid SPIFFE ID. */
  public static boolean isValid(String text) {
    return text != null && problemWith(text) == null;
  }

  /**
   * An ID in {@code trustDomain} with the given path segments ({@code of(td, "ns", "orders")} is
   * {@code spiffe://td/ns/orders}).
   */
  public static SpiffeId of(TrustDomain trustDomain, String... segments) {
    Objects.requireNonNull(trustDomain, "trustDomain");
    StringBuilder path = new StringBuilder();
    for (String s : segments) {
      path.append('/').append(Objects.requireNonNull(s, "segment"));
    }
    return parse(SCHEME_PREFIX + trustDomain.name() + path);
  }

  static SpiffeId ofChecked(TrustDomain trustDomain, String path) {
    return new SpiffeId(trustDomain, path);
  }

  private static String problemWith(String s) {
    if (s.isEmpty()) {
      return "empty";
    }
    // Non-ASCII first: nothing below may fold case or compare characters before this holds.
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > 0x7e || c < 0x20) {
        return "non-ASCII or control character U+"
            + String.format(Locale.ROOT, "%04X", (int) c)
            + " at index "
            + i;
      }
    }
    if (s.length() > MAX_LENGTH) {
      return "longer than " + MAX_LENGTH + " characters";
    }
    if (!s.startsWith(SCHEME_PREFIX)) {
      if (s.toLowerCase(Locale.ROOT).startsWith(SCHEME_PREFIX)) {
        return "scheme must be lower-case 'spiffe'";
      }
      return "scheme must be 'spiffe://'";
    }
    int q = s.indexOf('?');
    if (q >= 0) {
      return "a query is not allowed";
    }
    if (s.indexOf('#') >= 0) {
      return "a fragment is not allowed";
    }
    int start = SCHEME_PREFIX.length();
    int slash = s.indexOf('/', start);
    String td = slash < 0 ? s.substring(start) : s.substring(start, slash);
    String tdProblem = TrustDomain.problemWith(td);
    if (tdProblem != null) {
      return tdProblem;
    }
    if (slash < 0) {
      return null;
    }
    return pathProblem(s.substring(slash));
  }

  private static String pathProblem(String path) {
    if (path.endsWith("/")) {
      return path.equals("/") || !path.endsWith("//") ? "trailing slash is not allowed" : "empty path segment";
    }
    for (String seg : path.substring(1).split("/", -1)) {
      if (seg.isEmpty()) {
        return "empty path segment";
      }
      if (seg.equals(".") || seg.equals("..")) {
        return "dot segment '" + seg + "' is not allowed";
      }
      for (int i = 0; i < seg.length(); i++) {
        char c = seg.charAt(i);
        if (!isPathChar(c)) {
          return c == '%'
              ? "percent-encoding is not allowed in the path"
              : "character '" + c + "' is not allowed in the path (expected A-Z, a-z, 0-9, '.', '-', '_')";
        }
      }
    }
    return null;
  }

  private static boolean isPathChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '-'
        || c == '_';
  }

  private static String printable(String s) {
    String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        b.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  public TrustDomain trustDomain() {
    return trustDomain;
  }

  /** The path, starting with '/', or "" for a trust domain's own ID. */
  public String path() {
    return path;
  }

  /** The path segments, in order; empty for a trust domain's own ID. */
  public List<String> segments() {
    return segments;
  }

  /** False for the bare trust domain ID {@code spiffe://td}, which no workload may have. */
  public boolean hasPath() {
    return !path.isEmpty();
  }

  /** Exact match: the same trust domain and the same path, case-sensitively. */
  public boolean matches(SpiffeId other) {
    return equals(other);
  }

  /**
   * True when this ID equals {@code prefix} or lies below it by whole path segments: {@code
   * spiffe://td/orders/v1} is under {@code spiffe://td/orders}, but {@code spiffe://td/orders-admin}
   * is not.
   */
  public boolean isUnder(SpiffeId prefix) {
    if (!trustDomain.equals(prefix.trustDomain) || prefix.segments.size() > segments.size()) {
      return false;
    }
    return segments.subList(0, prefix.segments.size()).equals(prefix.segments);
  }

  @Override
  public int compareTo(SpiffeId o) {
    return text.compareTo(o.text);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpiffeId && ((SpiffeId) o).text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The ID as text, {@code spiffe://td/path}. */
  @Override
  public String toString() {
    return text;
  }
}
