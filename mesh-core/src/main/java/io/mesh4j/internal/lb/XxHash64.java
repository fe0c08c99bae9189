package io.mesh4j.internal.lb;

import java.nio.charset.StandardCharsets;

/**
 * xxHash64 (Yann Collet's XXH64), written out here because mesh-core takes no hashing dependency.
 * Stable across JVMs and releases, unlike {@link String#hashCode()}, so every client of a service
 * maps a key to the same endpoint; the same function Envoy uses for its ring hash.
 */
final class XxHash64 {

  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long P3 = 0x165667B19E3779F9L;
  private static final long P4 = 0x85EBCA77C2B2AE63L;
  private static final long P5 = 0x27D4EB2F165667C5L;

  private XxHash64() {}

  /** The hash of the text's UTF-8 bytes. */
  static long hash(String text, long seed) {
    // ASCII text (hash keys, ring labels) is its own UTF-8: hash the chars, without a byte[] per call
    return isAscii(text) ? hashAscii(text, seed) : hash(text.getBytes(StandardCharsets.UTF_8), seed);
  }

  private static boolean isAscii(String text) {
    for (int i = 0, n = text.length(); i < n; i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** {@link #hash(byte[], long)} line for line, reading byte {@code i} as {@code text.charAt(i)}. */
  private static long hashAscii(String input, long seed) {
    int length = input.length();
    int i = 0;
    long h;
    if (length >= 32) {
      long v1 = seed + P1 + P2;
      long v2 = seed + P2;
      long v3 = seed;
      long v4 = seed - P1;
      do {
        v1 = round(v1, readLong(input, i));
        v2 = round(v2, readLong(input, i + 8));
        v3 = round(v3, readLong(input, i + 16));
        v4 = round(v4, readLong(input, i + 24));
        i += 32;
      } while (i <= length - 32);
      h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12)
          + Long.rotateLeft(v4, 18);
      h = mergeRound(h, v1);
      h = mergeRound(h, v2);
      h = mergeRound(h, v3);
      h = mergeRound(h, v4);
    } else {
      h = seed + P5;
    }
    h += length;
    for (; i + 8 <= length; i += 8) {
      h ^= round(0, readLong(input, i));
      h = Long.rotateLeft(h, 27) * P1 + P4;
    }
    if (i + 4 <= length) {
      h ^= (readInt(input, i) & 0xFFFFFFFFL) * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      i += 4;
    }
    for (; i < length; i++) {
      h ^= (input.charAt(i) & 0xFFL) * P5;
      h = Long.rotateLeft(h, 11) * P1;
    }
    return avalanche(h);
  }

  static long hash(byte[] input, long seed) {
    int length = input.length;
    int i = 0;
    long h;
    if (length >= 32) {
      long v1 = seed + P1 + P2;
      long v2 = seed + P2;
      long v3 = seed;
      long v4 = seed - P1;
      do {
        v1 = round(v1, readLong(input, i));
        v2 = round(v2, readLong(input, i + 8));
        v3 = round(v3, readLong(input, i + 16));
        v4 = round(v4, readLong(input, i + 24));
        i += 32;
      } while (i <= length - 32);
      h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12)
          + Long.rotateLeft(v4, 18);
      h = mergeRound(h, v1);
      h = mergeRound(h, v2);
      h = mergeRound(h, v3);
      h = mergeRound(h, v4);
    } else {
      h = seed + P5;
    }
    h += length;
    for (; i + 8 <= length; i += 8) {
      h ^= round(0, readLong(input, i));
      h = Long.rotateLeft(h, 27) * P1 + P4;
    }
    if (i + 4 <= length) {
      h ^= (readInt(input, i) & 0xFFFFFFFFL) * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      i += 4;
    }
    for (; i < length; i++) {
      h ^= (input[i] & 0xFFL) * P5;
      h = Long.rotateLeft(h, 11) * P1;
    }
    return avalanche(h);
  }

  private static long avalanche(long h) {
    h ^= h >>> 33;
    h *= P2;
    h ^= h >>> 29;
    h *= P3;
    h ^= h >>> 32;
    return h;
  }

  private static long round(long acc, long input) {
    acc += input * P2;
    acc = Long.rotateLeft(acc, 31);
    return acc * P1;
  }

  private static long mergeRound(long acc, long value) {
    acc ^= round(0, value);
    return acc * P1 + P4;
  }

  private static long readLong(byte[] b, int i) {
    return (readInt(b, i) & 0xFFFFFFFFL) | ((long) readInt(b, i + 4) << 32);
  }

  private static long readLong(String s, int i) {
    return (readInt(s, i) & 0xFFFFFFFFL) | ((long) readInt(s, i + 4) << 32);
  }

  private static int readInt(String s, int i) {
    return s.charAt(i) | s.charAt(i + 1) << 8 | s.charAt(i + 2) << 16 | s.charAt(i + 3) << 24;
  }

  private static int readInt(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
  }
}
