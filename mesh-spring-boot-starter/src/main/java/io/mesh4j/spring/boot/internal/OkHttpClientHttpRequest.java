package io.mesh4j.spring.boot.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.AbstractClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;

/** One request of {@link OkHttpClientHttpRequestFactory}: body buffered, then one OkHttp call. */
final class OkHttpClientHttpRequest extends AbstractClientHttpRequest {

  /** Methods OkHttp refuses without a body (an empty one is sent when the caller wrote none). */
  private static final Set<String> NEED_BODY = Set.of("POST", "PUT", "PATCH", "PROPPATCH", "REPORT");

  private final OkHttpClient client;
  private final URI uri;
  private final org.springframework.http.HttpMethod method;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream(256);

  OkHttpClientHttpRequest(OkHttpClient client, URI uri, org.springframework.http.HttpMethod method) {
    this.client = client;
    this.uri = uri;
    this.method = method;
  }

  @Override
  public org.springframework.http.HttpMethod getMethod() {
    return method;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  protected OutputStream getBodyInternal(HttpHeaders headers) {
    return body;
  }

  @Override
  protected ClientHttpResponse executeInternal(HttpHeaders headers) throws IOException {
    byte[] bytes = body.toByteArray();
    String name = method.name();
    String contentType = headers.getFirst(HttpHeaders.CONTENT_TYPE);
    MediaType mediaType = contentType != null ? MediaType.parse(contentType) : null;
    RequestBody requestBody = null;
    boolean bodyAllowed = !name.equals("GET") && !name.equals("HEAD");
    if (!bodyAllowed && bytes.length > 0) {
      // dropping it silently would send a different request than the caller wrote
      throw new IOException("OkHttp cannot send a request body with " + name + " (" + bytes.length
          + " bytes for " + uri + "): send it with POST/PUT/PATCH, or use another ClientHttpRequestFactory");
    }
    if (bodyAllowed && (bytes.length > 0 || NEED_BODY.contains(name))) {
      requestBody = RequestBody.create(bytes, mediaType);
    }
    Request.Builder request = new Request.Builder().url(uri.toString()).method(name, requestBody);
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      // OkHttp sets these from the body; a second copy would be sent as is
      if (header.getKey().equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)
          || header.getKey().equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
        continue;
      }
      for (String value : header.getValue()) {
        try {
          request.addHeader(header.getKey(), value);
        } catch (IllegalArgumentException e) {
          // OkHttp refuses non-ASCII and control characters (a newline would split the header)
          throw new IOException("invalid HTTP header '" + header.getKey() + "' for " + method + " " + uri
              + ": " + e.getMessage(), e);
        }
      }
    }
    Response response = client.newCall(request.build()).execute();
    return new OkHttpClientHttpResponse(response);
  }
}
