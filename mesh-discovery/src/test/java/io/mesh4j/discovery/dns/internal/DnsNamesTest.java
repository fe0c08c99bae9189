package io.mesh4j.discovery.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DnsNamesTest {

  @Test
  void aTrailingDotIsAllowedAndDropped() {
    assertThat(DnsNames.parser().parse("orders.example.org.")).isEqualTo("orders.example.org");
    assertThat(DnsNames.toName("orders.example.org").isAbsolute()).isTrue();
  }

  @Test
  void aLeadingUnderscoreMeansSrv() {
    assertThat(DnsNames.isSrv("_http._tcp.orders.example.org")).isTrue();
    assertThat(DnsNames.isSrv("orders.example.org")).isFalse();
  }
}
