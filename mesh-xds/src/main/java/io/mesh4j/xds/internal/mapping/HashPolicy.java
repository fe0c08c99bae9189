package io.mesh4j.xds.internal.mapping;

import io.envoyproxy.envoy.config.route.v3.RouteAction;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Headers;

/** One compiled {@code hash_policy} entry: what part of a request a hash key comes from. */
final class HashPolicy {

  private enum Source { HEADER, QUERY, COOKIE }

  private final Source source;
  private final String name;
  private final boolean terminal;
  private final RegexRewrite rewrite;

  private HashPolicy(Source source, String name, boolean terminal, RegexRewrite rewrite) {
    this.source = source;
    this.name = name;
    this.terminal = terminal;
    this.rewrite = rewrite;
  }

  boolean terminal() {
    return terminal;
  }

  /** The part of the request this policy hashes, or null when the request does not have it. */
  String value(String pathAndQuery, Headers headers) {
    return switch (source) {
      case HEADER -> {
        if (name.equals(":path")) {
          yield rewrite == null ? pathAndQuery : rewrite.apply(pathAndQuery);
        }
        yield multiValue(headers);
      }
      case QUERY -> RequestView.queryParameter(pathAndQuery, name);
      case COOKIE -> RequestView.cookie(headers, name);
    };
  }

  /**
   * Envoy hashes every value of a header, each rewritten then all sorted, so their order does not
   * move the key.
   */
  private String multiValue(Headers headers) {
    String first = null;
    List<String> all = null;
    for (int i = 0, n = headers.size(); i < n; i++) {
      if (headers.name(i).equalsIgnoreCase(name)) {
        String v = rewrite == null ? headers.value(i) : rewrite.apply(headers.value(i));
        if (first == null) {
          first = v;
        } else {
          if (all == null) {
            all = new ArrayList<>();
            all.add(first);
          }
          all.add(v);
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
          RegexRewrite rewrite = null;
          if (p.getHeader().hasRegexRewrite()) {
            rewrite = RegexRewrite.compile(p.getHeader().getRegexRewrite(), pf + ".header.regex_rewrite", errors);
            if (rewrite == null) {
              continue;
            }
          }
          out.add(new HashPolicy(Source.HEADER, name, p.getTerminal(), rewrite));
        }
        case QUERY_PARAMETER -> {
          if (p.getQueryParameter().getName().isEmpty()) {
            errors.add(pf + ".query_parameter.name", "is empty");
            continue;
          }
          out.add(new HashPolicy(Source.QUERY, p.getQueryParameter().getName(), p.getTerminal(), null));
        }
        case COOKIE -> {
          if (p.getCookie().getName().isEmpty()) {
            errors.add(pf + ".cookie.name", "is empty");
            continue;
          }
          // with a ttl Envoy also sets the cookie when missing; the mesh only reads it
          out.add(new HashPolicy(Source.COOKIE, p.getCookie().getName(), p.getTerminal(), null));
        }
        default -> {
          // connection_properties (source_ip), filter_state: skipped as gRPC does; a client's
          // source address is the same for all of its requests
        }
      }
    }
    return out;
  }
}
