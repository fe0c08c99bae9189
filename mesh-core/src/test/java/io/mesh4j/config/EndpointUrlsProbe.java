package io.mesh4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.mesh4j.discovery.Endpoint;
import okhttp3.HttpUrl;

/** What the mesh does with an endpoint on every request: makes it the URL's host and port. */
final class EndpointUrlsProbe {

  private EndpointUrlsProbe() {}

  static void assertUsable(Endpoint e) {
    assertThatCode(() -> new HttpUrl.Builder().scheme("http").host(e.host()).port(e.port()).build())
        .as("OkHttp takes endpoint %s", e.authority())
        .doesNotThrowAnyException();
    HttpUrl url = new HttpUrl.Builder().scheme("http").host(e.host()).port(e.port()).build();
    assertThat(url.port()).isEqualTo(e.port());
  }
}
