package io.mesh4j.xds.internal.mapping;

import io.envoyproxy.envoy.config.route.v3.RouteAction;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import okhttp3.Headers;

/** One compiled {@code hash_policy} entry: what part of a request a hash key comes from. */
final class HashPolicy {

  private enum Source { HEADER, QUERY, COOKIE }

  private final Source source;
  private final String name;
  private final boolean terminal;
  private final Pattern rewrite;
  private final String substitution;

  private HashPolicy(Source source, String name, boolean terminal, Pattern rewrite, String substitution) {
    this.source = source;
    this.name = name;
    this.terminal = terminal;
    this.rewrite = rewrite;
    this.substitution = substitution;
  }

  boolean terminal() {
    return terminal;
  }

  /** The part of the request this policy hashes, or null when the request does not have it. */
  String value(String pathAndQuery, Headers headers) {
    return switch (source) {
      case HEADER -> {
        String v = name.equals(":path") ? pathAndQuery : multiValue(headers);
        yield v == null || rewrite == null ? v : rewrite.matcher(v).replaceAll(substitution);
      }
      case QUERY -> RequestView.queryParameter(pathAndQuery, name);
      case COOKIE -> RequestView.cookie(headers, name);
    };
  }

  /** Envoy hashes every value of a header, sorted so their order does not move the key. */
  private String multiValue(Headers headers) {
    String first = null;
    List<String> all = null;
    for (int i = 0, n = headers.size(); i < n; i++) {
      if (headers.name(i).equalsIgnoreCase(name)) {
        if (first == null) {
          first = headers.value(i);
        } else {
          if (all == null) {
            all = new ArrayList<>();
            all.add(first);
          }
          all.add(headers.value(i));
        }
      }
    }
    if (all == null) {
      return first;
    }
    all.sort(null);
    return String.join("\u0000", all);
  }

  /** The policies the mesh can honour, in order; the others are skipped (see docs) or are errors. */
  static List<HashPolicy> compile(List<RouteAction.HashPolicy> policies, String f, Errors errors) {
    List<HashPolicy> out = new ArrayList<>();
    for (int i = 0; i < policies.size(); i++) {
      RouteAction.HashPolicy p = policies.get(i);
      String pf = f + "[" + i + "]";
      switch (p.getPolicySpecifierCase()) {
        case HEADER -> {
          String name = p.getHeader().getHeaderName().toLowerCase(java.util.Locale.ROOT);
          if (name.isEmpty()) {
            errors.add(pf + ".header.header_name", "is empty");
            continue;
          }
          Pattern rewrite = null;
          String substitution = null;
          if (p.getHeader().hasRegexRewrite()) {
            rewrite = Re2.compile(p.getHeader().getRegexRewrite().getPattern().getRegex(),
                pf + ".header.regex_rewrite.pattern.regex", errors);
            substitution = substitution(p.getHeader().getRegexRewrite().getSubstitution());
            if (rewrite == null) {
              continue;
            }
          }
          out.add(new HashPolicy(Source.HEADER, name, p.getTerminal(), rewrite, substitution));
        }
        case QUERY_PARAMETER -> {
          if (p.getQueryParameter().getName().isEmpty()) {
            errors.add(pf + ".query_parameter.name", "is empty");
            continue;
          }
          out.add(new HashPolicy(Source.QUERY, p.getQueryParameter().getName(), p.getTerminal(), null, null));
        }
        case COOKIE -> {
          if (p.getCookie().getName().isEmpty()) {
            errors.add(pf + ".cookie.name", "is empty");
            continue;
          }
          // with a ttl Envoy also sets the cookie when missing; the mesh only reads it
          out.add(new HashPolicy(Source.COOKIE, p.getCookie().getName(), p.getTerminal(), null, null));
        }
        default -> {
          // connection_properties (source_ip), filter_state: skipped as gRPC does; a client's
          // source address is the same for all of its requests
        }
      }
    }
    return out;
  }

  /** RE2's {@code \1} substitutions as Java's {@code $1}; a literal {@code $} escaped. */
  static String substitution(String re2) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < re2.length(); i++) {
      char c = re2.charAt(i);
      if (c == '\\' && i + 1 < re2.length() && Character.isDigit(re2.charAt(i + 1))) {
        out.append('$').append(re2.charAt(++i));
      } else if (c == '\\' && i + 1 < re2.length() && re2.charAt(i + 1) == '\\') {
        out.append("\\\\");
        i++;
      } else if (c == '$') {
        out.append("\\$");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
