package io.mesh4j.discovery.dns.internal;

import io.mesh4j.config.ValueParser;
import io.mesh4j.config.ValueParsers;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** {@code dns.name} values: checked as DNS names when the configuration is read, always absolute. */
public final class DnsNames {

  private DnsNames() {}

  /** Parses a DNS name as written (a trailing dot is allowed, not needed) and returns it without the dot. */
  public static ValueParser<String> parser() {
    return ValueParsers.of(
        "a fully qualified DNS name, like _http._tcp.orders.example.org (SRV) or orders.example.org (A/AAAA)",
        text -> {
          String s = text.trim();
          if (s.isEmpty()) {
            throw new IllegalArgumentException("empty name");
          }
          if (s.contains("://") || s.contains("/")) {
            throw new IllegalArgumentException("'" + s + "' is not a DNS name (no scheme or path)");
          }
          if (s.indexOf(':') >= 0) {
            throw new IllegalArgumentException(
                "'" + s + "' is not a DNS name: the port goes in dns.port (or comes from SRV records)");
          }
          if (s.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("'" + s + "' contains white space");
          }
          if (s.equals(".") || s.contains("..")) {
            throw new IllegalArgumentException("'" + s + "' has an empty label");
          }
          toName(s); // length and label checks
          return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        });
  }

  /** True for SRV names ({@code _http._tcp.orders.example.org}): a leading underscore, as the contract says. */
  public static boolean isSrv(String name) {
    return name.startsWith("_");
  }

  /** The absolute name: no search domain is ever appended, so what is configured is what is asked. */
  public static Name toName(String name) {
    try {
      return Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("'" + name + "' is not a valid DNS name: " + e.getMessage(), e);
    }
  }
}
