package io.mesh4j.spring.boot.internal;

import java.io.InputStream;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/** An OkHttp response as Spring reads it; closing it releases the connection. */
final class OkHttpClientHttpResponse implements ClientHttpResponse {

  private final Response response;
  private HttpHeaders headers;

  OkHttpClientHttpResponse(Response response) {
    this.response = response;
  }

  @Override
  public HttpStatusCode getStatusCode() {
    return HttpStatusCode.valueOf(response.code());
  }

  @Override
  public String getStatusText() {
    return response.message();
  }

  @Override
  public HttpHeaders getHeaders() {
    if (headers == null) {
      HttpHeaders h = new HttpHeaders();
      for (String name : response.headers().names()) {
        h.put(name, response.headers(name));
      }
      headers = HttpHeaders.readOnlyHttpHeaders(h);
    }
    return headers;
  }

  @Override
  public InputStream getBody() {
    ResponseBody body = response.body();
    return body.byteStream();
  }

  @Override
  public void close() {
    response.close();
  }
}
