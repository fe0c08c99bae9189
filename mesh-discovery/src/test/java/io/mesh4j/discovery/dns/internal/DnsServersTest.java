package io.mesh4j.discovery.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class DnsServersTest {

  @Test
  void parsesIpv4AndBracketedIpv6WithPortFiftyThreeByDefault() throws Exception {
    assertThat(DnsServers.parser().parse("127.0.0.1:5353, 10.0.0.10, [::1]:8600, [fd00::a]")).containsExactly(
        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5353),
        new InetSocketAddress(InetAddress.getByName("10.0.0.10"), 53),
        new InetSocketAddress(InetAddress.getByName("::1"), 8600),
        new InetSocketAddress(InetAddress.getByName("fd00::a"), 53));
  }

  @Test
  void refusesNamesBadPortsAndBareIpv6() {
    assertThatThrownBy(() -> DnsServers.parser().parse("localhost:53")).hasMessageContaining("not an IP address");
    assertThatThrownBy(() -> DnsServers.parser().parse("127.0.0.1:x")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> DnsServers.parser().parse("fd00::a")).hasMessageContaining("must be in brackets");
    assertThatThrownBy(() -> DnsServers.parser().parse("[::1")).hasMessageContaining("no closing ']'");
    assertThatThrownBy(() -> DnsServers.parser().parse("127.0.0.1,")).hasMessageContaining("empty list item");
  }

  @Test
  void formatsServersAsConfigured() throws Exception {
    assertThat(DnsServers.format(new InetSocketAddress(InetAddress.getByName("::1"), 53))).isEqualTo("[::1]:53");
    assertThat(DnsServers.format(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 5353)))
        .isEqualTo("10.0.0.1:5353");
  }
}
