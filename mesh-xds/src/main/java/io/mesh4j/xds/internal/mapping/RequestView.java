package io.mesh4j.xds.internal.mapping;

import okhttp3.Headers;

/** Reads a request's parts the way Envoy's route matching sees them, without copying the headers. */
final class RequestView {

  private RequestView() {}

  /** The path without query or fragment. */
  static String path(String pathAndQuery) {
    int end = pathAndQuery.length();
    for (int i = 0; i < pathAndQuery.length(); i++) {
      char c = pathAndQuery.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    return end == pathAndQuery.length() ? pathAndQuery : pathAndQuery.substring(0, end);
  }

  /**
   * Every value of a header joined with {@code ,} as Envoy does, or null when absent; pseudo-headers
   * {@code :path}, {@code :authority} and {@code :method} come from the request line.
   */
  static String header(Headers headers, String name, String method, String authority, String pathAndQuery) {
    if (name.startsWith(":")) {
      return switch (name) {
        case ":path" -> pathAndQuery;
        case ":authority" -> authority;
        case ":method" -> method;
        default -> null;
      };
    }
    if (name.equals("host")) {
      return authority; // Envoy keeps Host as :authority
    }
    String first = null;
    StringBuilder joined = null;
    for (int i = 0, n = headers.size(); i < n; i++) {
      if (headers.name(i).equalsIgnoreCase(name)) {
        String v = headers.value(i);
        if (first == null) {
          first = v;
        } else {
          if (joined == null) {
            joined = new StringBuilder(first);
          }
          joined.append(',').append(v);
        }
      }
    }
    return joined != null ? joined.toString() : first;
  }

  /**
   * The raw (not percent-decoded) value of the first query parameter of that name, {@code ""} for a
   * parameter without {@code =}, null when absent.
   */
  static String queryParameter(String pathAndQuery, String name) {
    int q = pathAndQuery.indexOf('?');
    if (q < 0) {
      return null;
    }
    int end = pathAndQuery.indexOf('#', q);
    if (end < 0) {
      end = pathAndQuery.length();
    }
    int start = q + 1;
    while (start <= end) {
      int amp = pathAndQuery.indexOf('&', start);
      if (amp < 0 || amp > end) {
        amp = end;
      }
      // '=' searched only up to the '&': searching further would make the scan quadratic
      int nameEnd = start;
      while (nameEnd < amp && pathAndQuery.charAt(nameEnd) != '=') {
        nameEnd++;
      }
      if (nameEnd - start == name.length() && pathAndQuery.startsWith(name, start)) {
        return nameEnd == amp ? "" : pathAndQuery.substring(nameEnd + 1, amp);
      }
      start = amp + 1;
    }
    return null;
  }

  /** The value of a cookie, or null. */
  static String cookie(Headers headers, String name) {
    for (int i = 0, n = headers.size(); i < n; i++) {
      if (!headers.name(i).equalsIgnoreCase("cookie")) {
        continue;
      }
      String v = headers.value(i);
      for (String part : v.split(";")) {
        String p = part.trim();
        int eq = p.indexOf('=');
        if (eq == name.length() && p.startsWith(name)) {
          String value = p.substring(eq + 1);
          return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
              ? value.substring(1, value.length() - 1) : value;
        }
      }
    }
    return null;
  }
}
