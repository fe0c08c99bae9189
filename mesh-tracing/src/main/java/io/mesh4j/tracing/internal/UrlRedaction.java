package io.mesh4j.tracing.internal;

import java.util.Set;
import okhttp3.HttpUrl;

/**
 * {@code url.full} as the HTTP semantic conventions want it: without user name and password, and
 * with the values of well-known signing query parameters replaced by {@code REDACTED}.
 */
final class UrlRedaction {

  private static final Set<String> SENSITIVE_QUERY = Set.of("AWSAccessKeyId", "Signature", "sig", "X-Goog-Signature");
  private static final String REDACTED = "REDACTED";

  private UrlRedaction() {}

  static String fullUrl(HttpUrl url) {
    boolean credentials = !url.username().isEmpty() || !url.password().isEmpty();
    boolean sensitive = false;
    for (String name : url.queryParameterNames()) {
      sensitive |= SENSITIVE_QUERY.contains(name);
    }
    if (!credentials && !sensitive) {
      return url.toString();
    }
    HttpUrl.Builder b = url.newBuilder().username("").password("");
    if (sensitive) { // rebuilt in the original order
      b.query(null);
      for (int i = 0; i < url.querySize(); i++) {
        String name = url.queryParameterName(i);
        b.addQueryParameter(name, SENSITIVE_QUERY.contains(name) ? REDACTED : url.queryParameterValue(i));
      }
    }
    return b.build().toString();
  }

  /** A raw query string ({@code url.query} of a server span) with signing parameters redacted. */
  static String query(String rawQuery) {
    StringBuilder out = new StringBuilder(rawQuery.length());
    for (String pair : rawQuery.split("&", -1)) {
      if (out.length() > 0) {
        out.append('&');
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      out.append(eq >= 0 && SENSITIVE_QUERY.contains(name) ? name + "=" + REDACTED : pair);
    }
    return out.toString();
  }
}
