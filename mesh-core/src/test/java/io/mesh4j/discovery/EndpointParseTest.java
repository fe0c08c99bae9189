package io.mesh4j.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.internal.discovery.StaticDiscoveryProvider;
import org.junit.jupiter.api.Test;

/**
 * Hosts in endpoint text. Found by EndpointFuzzTest (its corpus keeps the inputs): a host OkHttp
 * cannot put in a URL used to pass the static endpoint list and then failed every request sent to
 * it; it is refused when the configuration is loaded, naming the host.
 */
class EndpointParseTest {

  @Test
  void refusesHostsNoRequestCouldBeSentTo() {
    for (String spec : new String[] {"exa mple:80", "a%20b:80", "[[x]:80", "[ ]:80", "a/b:80", "a#b:80", "a\u0000b:80"}) {
      assertThatThrownBy(() -> Endpoint.parse(spec)).as(spec)
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageEndingWith("is not a host name or IP address");
    }
  }

  @Test
  void staticEndpointListNamesTheBadHost() {
    assertThatThrownBy(() -> StaticDiscoveryProvider.ENDPOINTS.parser().parse("a:1, exa mple:80"))
        .hasMessage("endpoint 'exa mple:80': 'exa mple' is not a host name or IP address");
  }

  @Test
  void keepsEveryHostARequestCanUseAsWritten() {
    for (String host : new String[] {"10.0.0.5", "orders-1.internal", "orders.", "a_b", "Orders.Example", "b\u00fccher.example"}) {
      assertThat(Endpoint.parse(host + ":8080").host()).isEqualTo(host);
    }
    assertThat(Endpoint.parse("[::1]:8080").host()).isEqualTo("::1");
    assertThat(Endpoint.parse("[::1]:8080").authority()).isEqualTo("[::1]:8080");
  }
}
