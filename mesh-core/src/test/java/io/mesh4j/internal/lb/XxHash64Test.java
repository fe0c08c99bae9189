package io.mesh4j.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class XxHash64Test {

  private static final long SEED = 0x1234567890abcdefL;

  @Test
  void matchesReferenceVectorsForEveryInputLengthPath() {
    // empty, the 4-byte and 1-byte tails, the 8-byte lanes, and the 32-byte stripe loop
    assertThat(XxHash64.hash("", 0)).isEqualTo(0xef46db3751d8e999L);
    assertThat(XxHash64.hash("0", 0)).isEqualTo(0x633457081244afecL);
    assertThat(XxHash64.hash("0123", 0)).isEqualTo(0x4c33072b45647dcbL);
    assertThat(XxHash64.hash("0123456789:;<=>", 0)).isEqualTo(0x7a85916d8cac500aL);
    assertThat(XxHash64.hash("0123456789:;<=>?@ABCDEFGHIJKLMNOP", 0))
        .isEqualTo(0xa5cdc6940c6fde9eL);
    assertThat(XxHash64.hash("abc", 0)).isEqualTo(0x44bc2cf5ad770999L);
  }

  @Test
  void matchesReferenceVectorsWithASeed() {
    assertThat(XxHash64.hash("", SEED)).isEqualTo(0xa2f5c44d0f46c872L);
    assertThat(XxHash64.hash("0123456", SEED)).isEqualTo(0x281fef0a47387bf4L);
    assertThat(XxHash64.hash("0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnop", SEED))
        .isEqualTo(0xb0aa81bc38df17b9L);
  }

  @Test
  void aStringHashesAsItsUtf8BytesWhetherAsciiOrNot() {
    java.util.Random random = new java.util.Random(42);
    String[] alphabets = {"abcdefghijklmnopqrstuvwxyz0123456789-_/:.", "aé€\u007f\u0080\u00ff😀z"};
    for (String alphabet : alphabets) {
      int[] codePoints = alphabet.codePoints().toArray();
      for (int length = 0; length <= 100; length++) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
          text.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
        }
        String key = text.toString();
        for (long seed : new long[] {0, SEED}) {
          assertThat(XxHash64.hash(key, seed))
              .as("%s, seed %d", key, seed)
              .isEqualTo(XxHash64.hash(key.getBytes(java.nio.charset.StandardCharsets.UTF_8), seed));
        }
      }
    }
  }
}
