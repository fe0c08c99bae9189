package io.mesh4j.discovery.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpTextTest {

  private static String of(String literal) throws Exception {
    return IpText.of(InetAddress.getByName(literal));
  }

  @Test
  void ipv6IsWrittenInItsShortForm() throws Exception {
    assertThat(of("0:0:0:0:0:0:0:1")).isEqualTo("::1");
    assertThat(of("2001:db8:0:0:0:0:2:1")).isEqualTo("2001:db8::2:1");
    assertThat(of("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
    assertThat(of("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1");
    assertThat(of("fe80:0:0:0:0:0:0:0")).isEqualTo("fe80::");
    assertThat(of("0:0:0:0:0:0:0:0")).isEqualTo("::");
  }

  @Test
  void ipv4IsDotted() throws Exception {
    assertThat(of("10.0.0.5")).isEqualTo("10.0.0.5");
  }
}
