package io.mesh4j.discovery.etcd.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** etcd's JSON gateway carries keys and values as base64; a prefix is the range [prefix, prefix + 1). */
final class EtcdKeys {

  private EtcdKeys() {}

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  static byte[] decode(String base64) {
    return base64 == null ? new byte[0] : Base64.getDecoder().decode(base64);
  }

  static String decodeText(String base64) {
    return new String(decode(base64), StandardCharsets.UTF_8);
  }

  /**
   * The end of the range holding every key that starts with {@code prefix}, as etcdctl's
   * {@code --prefix}: the prefix with its last byte below 0xff incremented and what follows dropped.
   */
  static String rangeEnd(String prefix) {
    byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
    for (int i = end.length - 1; i >= 0; i--) {
      if ((end[i] & 0xff) < 0xff) {
        end[i]++;
        return base64(Arrays.copyOf(end, i + 1));
      }
    }
    return base64(new byte[] {0}); // every key from the prefix on
  }
}
