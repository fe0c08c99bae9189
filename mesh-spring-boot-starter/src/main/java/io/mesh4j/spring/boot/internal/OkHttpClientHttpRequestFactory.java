package io.mesh4j.spring.boot.internal;

import java.net.URI;
import java.util.Objects;
import okhttp3.OkHttpClient;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * Sends Spring's RestClient and RestTemplate requests through an OkHttp 5 client (the mesh-wrapped
 * one). Spring's own {@code OkHttp3ClientHttpRequestFactory} is deprecated for removal and built
 * for OkHttp 3/4; this one buffers the body (requests to services are small and a retry needs to
 * send the body again) and streams the response.
 */
public final class OkHttpClientHttpRequestFactory implements ClientHttpRequestFactory {

  private final OkHttpClient client;

  public OkHttpClientHttpRequestFactory(OkHttpClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
    return new OkHttpClientHttpRequest(client, uri, httpMethod);
  }

  public OkHttpClient client() {
    return client;
  }
}
