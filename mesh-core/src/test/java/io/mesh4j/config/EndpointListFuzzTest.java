package io.mesh4j.config;

import static io.mesh4j.config.FuzzContracts.rejectedWithMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.internal.discovery.StaticDiscoveryProvider;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fuzzes the value parser of {@code mesh.services.<name>.endpoints} (static discovery): a
 * comma-separated list of endpoints, refused as a whole with a message naming the bad item, or a
 * list without duplicates that reads back the same when written again.
 */
class EndpointListFuzzTest {

  @FuzzTest
  void parse(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    List<Endpoint> endpoints;
    try {
      endpoints = StaticDiscoveryProvider.ENDPOINTS.parser().parse(text);
    } catch (IllegalArgumentException e) {
      rejectedWithMessage(e, null);
      assertThat(e.getMessage()).containsAnyOf("endpoint", "empty");
      return;
    }
    assertThat(endpoints.isEmpty()).isEqualTo(text.isBlank());
    Set<String> authorities = new HashSet<>();
    for (Endpoint e : endpoints) {
      assertThat(authorities.add(e.authority())).as("%s listed once", e.authority()).isTrue();
      EndpointUrlsProbe.assertUsable(e);
    }
    String written = endpoints.stream().map(EndpointFuzzTest::write).collect(Collectors.joining(","));
    assertThat(StaticDiscoveryProvider.ENDPOINTS.parser().parse(written)).isEqualTo(endpoints);
  }
}
