package io.mesh4j.tls;

import java.util.Locale;
import java.util.Objects;

/**
 * A SPIFFE trust domain name, such as {@code example.org}: 1 to 255 characters of lower-case
 * ASCII letters, digits, '.', '-' and '_'. Immutable; equal when the names are equal.
 */
public final class TrustDomain implements Comparable<TrustDomain> {

  static final int MAX_LENGTH = 255;

  private final String name;

  private TrustDomain(String name) {
    this.name = name;
  }

  /**
   * Parses a bare trust domain name ({@code example.org}) or a SPIFFE ID, whose trust domain is
   * taken ({@code spiffe://example.org/x}).
   *
   * @throws IllegalArgumentException naming the input and what is wrong with it
   */
  public static TrustDomain parse(String text) {
    Objects.requireNonNull(text, "trust domain");
    if (text.startsWith(SpiffeId.SCHEME_PREFIX)) {
      return SpiffeId.parse(text).trustDomain();
    }
    String problem = problemWith(text);
    if (problem != null) {
      throw new IllegalArgumentException("invalid trust domain '" + text + "': " + problem);
    }
    return new TrustDomain(text);
  }

  /** Why {@code name} is not a valid trust domain name, or null when it is. */
  static String problemWith(String name) {
    if (name.isEmpty()) {
      return "trust domain is missing";
    }
    if (name.length() > MAX_LENGTH) {
      return "trust domain is longer than " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (isTrustDomainChar(c)) {
        continue;
      }
      if (c > 0x7f) {
        return "non-ASCII character U+" + String.format(Locale.ROOT, "%04X", (int) c) + " at index " + i;
      }
      if (c >= 'A' && c <= 'Z') {
        // Safe to fold only now that the name is known to be ASCII.
        return "trust domain must be lower-case (did you mean '"
            + name.toLowerCase(Locale.ROOT)
            + "'?)";
      }
      switch (c) {
        case ':':
          return "a port is not allowed in a trust domain";
        case '@':
          return "userinfo is not allowed in a trust domain";
        case '[':
        case ']':
          return "an IPv6 literal is not allowed as a trust domain";
        case '%':
          return "percent-encoding is not allowed in a trust domain";
        default:
          return "character '" + c + "' at index " + i + " is not allowed (expected a-z, 0-9, '.', '-', '_')";
      }
    }
    return null;
  }

  static boolean isTrustDomainChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
  }

  /** Package-private: for names already checked. */
  static TrustDomain ofChecked(String name) {
    return new TrustDomain(name);
  }

  public String name() {
    return name;
  }

  /** The trust domain's own SPIFFE ID, {@code spiffe://<name>} (no path). */
  public SpiffeId id() {
    return SpiffeId.ofChecked(this, "");
  }

  @Override
  public int compareTo(TrustDomain o) {
    return name.compareTo(o.name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrustDomain && ((TrustDomain) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
