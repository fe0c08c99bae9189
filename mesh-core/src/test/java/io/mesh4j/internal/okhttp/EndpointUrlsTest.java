package io.mesh4j.internal.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.discovery.Endpoint;
import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The cached rewrite gives exactly the URL that rewriting the logical URL's builder would. */
class EndpointUrlsTest {

  private static final List<Endpoint> ENDPOINTS =
      List.of(
          Endpoint.of("127.0.0.1", 8080),
          Endpoint.of("::1", 8443),
          Endpoint.of("orders-1.internal", 80),
          Endpoint.of("10.0.0.5", 443));

  private static HttpUrl straightforward(HttpUrl logical, Endpoint endpoint, boolean secure) {
    return logical
        .newBuilder()
        .scheme(secure ? "https" : "http")
        .host(endpoint.host())
        .port(endpoint.port())
        .build();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://orders/",
        "http://orders",
        "http://orders/items/42?x=1&y=%20z",
        "http://user:p%40ss@orders/a",
        "http://orders/a%2Fb/c",
        "http://orders/a+b?q=a+b",
        "http://orders//double//slashes/",
        "http://orders/frag#sec?tion",
        "http://orders/%E2%82%AC?%E2%82%AC=1",
        "http://orders:8080/port?",
        "https://orders/secure#",
        "http://orders/a/./b/../c",
      })
  void rewriteMatchesRebuildingTheLogicalUrl(String url) {
    EndpointUrls urls = new EndpointUrls();
    HttpUrl logical = HttpUrl.get(url);
    for (Endpoint e : ENDPOINTS) {
      for (boolean secure : new boolean[] {false, true, false}) { // also after the cache is warm
        assertThat(urls.rewrite(logical, e, secure)).isEqualTo(straightforward(logical, e, secure));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bad host", "tab\thost"})
  void aHostOkHttpCannotUseIsRefusedAsBefore(String host) {
    Endpoint e = Endpoint.of(host, 80);
    HttpUrl logical = HttpUrl.get("http://orders/");
    assertThatThrownBy(() -> straightforward(logical, e, false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EndpointUrls().rewrite(logical, e, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
