package io.mesh4j.xds.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DerivedServiceNamesTest {

  private static final String DNS_LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";

  @Test
  void istioClusterNamesBecomeShortHostPortAndSubsetWithAHash() {
    assertThat(DerivedServiceNames.of("outbound|8080|v1|orders.default.svc.cluster.local"))
        .matches("xds-orders-8080-v1-[0-9a-f]{8}");
    assertThat(DerivedServiceNames.of("outbound|8080||orders.default.svc.cluster.local"))
        .matches("xds-orders-8080-[0-9a-f]{8}");
  }

  @Test
  void theNameIsStableAndTellsApartClustersThatReadAlike() {
    String a = DerivedServiceNames.of("orders_v1");
    assertThat(DerivedServiceNames.of("orders_v1")).isEqualTo(a);
    assertThat(DerivedServiceNames.of("orders.v1")).isNotEqualTo(a).startsWith("xds-orders-v1-");
  }

  @Test
  void anyNameBecomesADnsLabelOfAtMost63Characters() {
    for (String cluster : new String[] {"x".repeat(300), "ÄÖÜ", "|||", "-a-", "UPPER_case.Name:80",
        "outbound|65535|" + "s".repeat(80) + "|" + "h".repeat(100) + ".ns.svc"}) {
      assertThat(DerivedServiceNames.of(cluster)).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL);
    }
  }
}
