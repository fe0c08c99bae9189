package io.mesh4j.discovery.etcd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EtcdKeysTest {

  @Test
  void aPrefixRangeEndsAfterItsLastByteAsEtcdctlPrefixDoes() {
    assertThat(EtcdKeys.decodeText(EtcdKeys.rangeEnd("/mesh4j/services/"))).isEqualTo("/mesh4j/services0");
    assertThat(EtcdKeys.decodeText(EtcdKeys.rangeEnd("a"))).isEqualTo("b");
  }

  @Test
  void trailingMaximalBytesAreDroppedFromTheRangeEnd() {
    byte[] end = EtcdKeys.decode(EtcdKeys.rangeEnd(new String(new byte[] {'a', (byte) 0xff}, StandardCharsets.ISO_8859_1)
        .replace("\u00ff", "\uffff")));
    // UTF-8 of U+FFFF is EF BF BF: the last byte below 0xff is incremented, nothing after it kept
    assertThat(end).containsExactly('a', (byte) 0xef, (byte) 0xbf, (byte) 0xc0);
  }

  @Test
  void keysAndValuesRoundTripThroughBase64() {
    assertThat(EtcdKeys.decodeText(EtcdKeys.base64("/mesh4j/services/orders/[::1]:8080")))
        .isEqualTo("/mesh4j/services/orders/[::1]:8080");
    assertThat(EtcdKeys.decode(null)).isEmpty();
  }
}
