package io.mesh4j.tracing.internal;

import io.opentelemetry.api.common.AttributeKey;
import java.util.Set;

/**
 * The few stable HTTP semantic-convention names mesh-tracing uses, defined here rather than
 * pulling in the semconv artifact for a dozen constants.
 */
public final class HttpSemconv {

  public static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
  public static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL =
      AttributeKey.stringKey("http.request.method_original");
  public static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");
  public static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT =
      AttributeKey.longKey("http.request.resend_count");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  public static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  public static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
  public static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  public static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
  public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  public static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
  public static final AttributeKey<String> USER_AGENT_ORIGINAL = AttributeKey.stringKey("user_agent.original");

  /** {@code error.type} when the cause is unknown. */
  public static final String OTHER_ERROR = "_OTHER";

  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY");

  private HttpSemconv() {}

  /** The method as semconv records it: a known method as is, anything else {@code _OTHER}. */
  public static String method(String method) {
    return KNOWN_METHODS.contains(method) ? method : "_OTHER";
  }

  /** True when {@link #method} had to replace the method, so the original should be recorded too. */
  public static boolean isOtherMethod(String method) {
    return !KNOWN_METHODS.contains(method);
  }

  /** The span name of an HTTP span without a route: {@code GET}, or {@code HTTP} for unknown methods. */
  public static String spanName(String method) {
    return KNOWN_METHODS.contains(method) ? method : "HTTP";
  }
}
