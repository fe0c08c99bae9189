package io.mesh4j.config;

import static io.mesh4j.config.FuzzContracts.rejectedWithMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mesh4j.discovery.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fuzzes {@link Endpoint#parse}, the syntax of one static endpoint ({@code
 * host:port;weight=2;zone=a}), which discovery backends that carry endpoints as text use too.
 * What it accepts is an endpoint written back to the same endpoint, and one OkHttp can send to.
 */
class EndpointFuzzTest {

  @FuzzTest
  void parse(byte[] data) {
    String spec = new String(data, StandardCharsets.UTF_8);
    Endpoint e;
    try {
      e = Endpoint.parse(spec);
    } catch (IllegalArgumentException ex) {
      rejectedWithMessage(ex, null);
      return;
    }
    assertThat(e.port()).isBetween(1, 65535);
    assertThat(e.weight()).isPositive();
    assertThat(e.priority()).isNotNegative();
    assertThat(Endpoint.parse(write(e))).as("parse(write(%s))", spec).isEqualTo(e);
    assertThat(Endpoint.parse(e.authority())).isEqualTo(Endpoint.of(e.host(), e.port()));
    // an endpoint the configuration accepted must not fail every request later
    EndpointUrlsProbe.assertUsable(e);
  }

  /** Every attribute, in the documented syntax. */
  static String write(Endpoint e) {
    StringBuilder s = new StringBuilder(e.authority());
    s.append(";weight=").append(e.weight()).append(";priority=").append(e.priority());
    s.append(";health=").append(e.health().text());
    s.append(";region=").append(e.locality().region()).append(";zone=").append(e.locality().zone());
    s.append(";sub-zone=").append(e.locality().subZone());
    for (Map.Entry<String, String> m : new TreeMap<>(e.metadata()).entrySet()) {
      s.append(';').append(m.getKey()).append('=').append(m.getValue());
    }
    return s.toString();
  }
}
