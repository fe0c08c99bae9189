package io.mesh4j.xds.internal.mapping;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import okhttp3.Headers;

/** A route's {@link RouteMatch}, compiled: path, headers, query parameters, runtime fraction, gRPC. */
final class RouteCondition {

  private interface PathTest {
    boolean test(String path);
  }

  private final PathTest path;
  private final HeaderTest[] headers;
  private final QueryTest[] query;
  private final long fractionNumerator;
  private final long fractionDenominator;
  private final boolean grpc;

  private RouteCondition(PathTest path, List<HeaderTest> headers, List<QueryTest> query, long num, long den,
      boolean grpc) {
    this.path = path;
    this.headers = headers.toArray(new HeaderTest[0]);
    this.query = query.toArray(new QueryTest[0]);
    this.fractionNumerator = num;
    this.fractionDenominator = den;
    this.grpc = grpc;
  }

  /** {@code pathOnly} is {@code pathAndQuery} without query or fragment, computed once per request. */
  boolean matches(String method, String authority, String pathOnly, String pathAndQuery, Headers h) {
    if (!path.test(pathOnly)) {
      return false;
    }
    for (HeaderTest t : headers) {
      if (!t.matches(RequestView.header(h, t.name, method, authority, pathAndQuery))) {
        return false;
      }
    }
    for (QueryTest t : query) {
      String v = RequestView.queryParameter(pathAndQuery, t.name);
      if (v == null || (t.value != null && !t.value.test(v))) {
        return false;
      }
    }
    if (grpc) {
      String type = h.get("content-type");
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/grpc")) {
        return false;
      }
    }
    // Envoy without a runtime: the default fraction, drawn per request
    return fractionDenominator == 0
        || ThreadLocalRandom.current().nextLong(fractionDenominator) < fractionNumerator;
  }

  /** The condition, or null after adding errors under {@code f}. */
  static RouteCondition compile(RouteMatch m, String f, Errors errors) {
    int before = errors.size();
    boolean caseSensitive = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
    PathTest path = switch (m.getPathSpecifierCase()) {
      case PREFIX -> {
        String p = m.getPrefix();
        yield caseSensitive ? s -> s.startsWith(p) : s -> s.regionMatches(true, 0, p, 0, p.length());
      }
      case PATH -> {
        String p = m.getPath();
        yield caseSensitive ? p::equals : p::equalsIgnoreCase;
      }
      case SAFE_REGEX -> {
        com.google.re2j.Pattern p = Re2.compile(m.getSafeRegex().getRegex(), f + ".safe_regex.regex", errors);
        yield p == null ? null : s -> p.matcher(s).matches();
      }
      case PATH_SEPARATED_PREFIX -> {
        String p = m.getPathSeparatedPrefix();
        if (!p.startsWith("/") || p.endsWith("/") || p.contains("?") || p.contains("#")) {
          errors.add(f + ".path_separated_prefix", "'" + p + "' must start with '/', not end with '/' and"
              + " hold no '?' or '#'");
          yield null;
        }
        yield s -> (caseSensitive ? s.startsWith(p) : s.regionMatches(true, 0, p, 0, p.length()))
            && (s.length() == p.length() || s.charAt(p.length()) == '/');
      }
      case CONNECT_MATCHER -> {
        errors.add(f + ".connect_matcher", "CONNECT routes are not supported");
        yield null;
      }
      case PATH_MATCH_POLICY -> {
        errors.add(f + ".path_match_policy", "path match policies (URI templates) are not supported");
        yield null;
      }
      default -> {
        errors.add(f, "has no path specifier (prefix, path, safe_regex or path_separated_prefix)");
        yield null;
      }
    };
    List<HeaderTest> headers = new ArrayList<>();
    for (int i = 0; i < m.getHeadersCount(); i++) {
      HeaderTest t = HeaderTest.compile(m.getHeaders(i), f + ".headers[" + i + "]", errors);
      if (t != null) {
        headers.add(t);
      }
    }
    List<QueryTest> query = new ArrayList<>();
    for (int i = 0; i < m.getQueryParametersCount(); i++) {
      QueryParameterMatcher q = m.getQueryParameters(i);
      String qf = f + ".query_parameters[" + i + "]";
      if (q.getName().isEmpty()) {
        errors.add(qf + ".name", "is empty");
        continue;
      }
      switch (q.getQueryParameterMatchSpecifierCase()) {
        case STRING_MATCH -> {
          Predicate<String> p = StringMatch.compile(q.getStringMatch(), qf + ".string_match", errors);
          if (p != null) {
            query.add(new QueryTest(q.getName(), p));
          }
        }
        case PRESENT_MATCH -> query.add(new QueryTest(q.getName(), null));
        default -> errors.add(qf, "has neither string_match nor present_match");
      }
    }
    long num = 0;
    long den = 0;
    if (m.hasRuntimeFraction()) {
      FractionalPercent p = m.getRuntimeFraction().getDefaultValue();
      den = switch (p.getDenominator()) {
        case HUNDRED -> 100;
        case TEN_THOUSAND -> 10_000;
        case MILLION -> 1_000_000;
        default -> {
          errors.add(f + ".runtime_fraction.default_value.denominator", "unknown value " + p.getDenominatorValue());
          yield 0;
        }
      };
      num = Math.min(Integer.toUnsignedLong(p.getNumerator()), den);
    }
    if (m.hasTlsContext()) {
      errors.add(f + ".tls_context", "matching on the downstream TLS context is not supported");
    }
    if (m.getDynamicMetadataCount() > 0) {
      errors.add(f + ".dynamic_metadata", "matching on dynamic metadata is not supported");
    }
    if (m.getFilterStateCount() > 0) {
      errors.add(f + ".filter_state", "matching on filter state is not supported");
    }
    if (errors.size() > before || path == null) {
      return null;
    }
    return new RouteCondition(path, headers, query, num, den, m.hasGrpc());
  }

  private record QueryTest(String name, Predicate<String> value) {}

  /** One header matcher, with Envoy's rules for missing headers and inversion. */
  static final class HeaderTest {
    final String name;
    private final Predicate<String> value; // null for present_match
    private final boolean present;
    private final boolean invert;
    private final boolean missingAsEmpty;

    private HeaderTest(String name, Predicate<String> value, boolean present, boolean invert, boolean missingAsEmpty) {
      this.name = name;
      this.value = value;
      this.present = present;
      this.invert = invert;
      this.missingAsEmpty = missingAsEmpty;
    }

    boolean matches(String v) {
      if (v == null && missingAsEmpty) {
        v = "";
      }
      if (v == null) {
        // Envoy: a missing header matches only "present_match: false", or "present_match: true" inverted
        return value == null && (invert ? present : !present);
      }
      boolean m = value == null ? present : value.test(v);
      return m != invert;
    }

    static HeaderTest compile(HeaderMatcher h, String f, Errors errors) {
      String name = h.getName().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        errors.add(f + ".name", "is empty");
        return null;
      }
      Predicate<String> value = switch (h.getHeaderMatchSpecifierCase()) {
        case EXACT_MATCH -> h.getExactMatch()::equals;
        case PREFIX_MATCH -> {
          String p = h.getPrefixMatch();
          yield s -> s.startsWith(p);
        }
        case SUFFIX_MATCH -> {
          String p = h.getSuffixMatch();
          yield s -> s.endsWith(p);
        }
        case CONTAINS_MATCH -> {
          String p = h.getContainsMatch();
          yield s -> s.contains(p);
        }
        case SAFE_REGEX_MATCH -> {
          com.google.re2j.Pattern p = Re2.compile(h.getSafeRegexMatch().getRegex(), f + ".safe_regex_match.regex", errors);
          yield p == null ? null : s -> p.matcher(s).matches();
        }
        case RANGE_MATCH -> {
          long start = h.getRangeMatch().getStart();
          long end = h.getRangeMatch().getEnd();
          yield s -> {
            try {
              long v = Long.parseLong(s);
              return v >= start && v < end;
            } catch (NumberFormatException e) {
              return false;
            }
          };
        }
        case STRING_MATCH -> StringMatch.compile(h.getStringMatch(), f + ".string_match", errors);
        case PRESENT_MATCH -> null;
        default -> {
          // Envoy: no specifier means "present"
          yield null;
        }
      };
      boolean presentOnly = h.getHeaderMatchSpecifierCase() == HeaderMatcher.HeaderMatchSpecifierCase.PRESENT_MATCH
          || h.getHeaderMatchSpecifierCase() == HeaderMatcher.HeaderMatchSpecifierCase.HEADERMATCHSPECIFIER_NOT_SET;
      if (value == null && !presentOnly) {
        return null; // its error is added
      }
      boolean present = h.getHeaderMatchSpecifierCase() != HeaderMatcher.HeaderMatchSpecifierCase.PRESENT_MATCH
          || h.getPresentMatch();
      return new HeaderTest(name, value, present, h.getInvertMatch(), h.getTreatMissingHeaderAsEmpty());
    }
  }
}
