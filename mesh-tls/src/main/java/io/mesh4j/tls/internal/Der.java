package io.mesh4j.tls.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The few DER encodings an X.509 certificate needs (X.690), so that the dev CA can issue
 * certificates with the JDK alone: BouncyCastle's builder costs a fresh JVM its signed-jar
 * verification and a few hundred classes, most of the startup time of mesh-tls.
 */
final class Der {

  static final int SEQUENCE = 0x30;
  private static final int BOOLEAN = 0x01;
  private static final int INTEGER = 0x02;
  private static final int BIT_STRING = 0x03;
  private static final int OCTET_STRING = 0x04;
  private static final int NULL = 0x05;
  private static final int OID = 0x06;
  private static final int UTC_TIME = 0x17;
  private static final int GENERALIZED_TIME = 0x18;

  private static final DateTimeFormatter UTC_TIME_FORMAT =
      DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter GENERALIZED_TIME_FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Der() {}

  /** A tag-length-value with {@code content} the concatenation of {@code parts}. */
  static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      content.writeBytes(p);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.size() + 6);
    out.write(tag);
    int len = content.size();
    if (len < 0x80) {
      out.write(len);
    } else {
      byte[] l = BigInteger.valueOf(len).toByteArray();
      int skip = l[0] == 0 ? 1 : 0; // sign byte
      out.write(0x80 | (l.length - skip));
      out.write(l, skip, l.length - skip);
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }

  static byte[] sequence(byte[]... parts) {
    return tlv(SEQUENCE, parts);
  }

  /** {@code [n] EXPLICIT}: a constructed context tag around one encoded value. */
  static byte[] explicit(int n, byte[] value) {
    return tlv(0xa0 | n, value);
  }

  /** {@code [n] IMPLICIT} of a primitive value: the context tag replaces the value's own. */
  static byte[] implicitPrimitive(int n, byte[] content) {
    return tlv(0x80 | n, content);
  }

  static byte[] integer(BigInteger value) {
    return tlv(INTEGER, value.toByteArray()); // two's complement, minimal: what DER wants
  }

  static byte[] bool(boolean value) {
    return tlv(BOOLEAN, new byte[] {value ? (byte) 0xff : 0});
  }

  static byte[] nullValue() {
    return tlv(NULL);
  }

  static byte[] octetString(byte[] content) {
    return tlv(OCTET_STRING, content);
  }

  static byte[] bitString(byte[] content, int unusedBits) {
    return tlv(BIT_STRING, new byte[] {(byte) unusedBits}, content);
  }

  static byte[] ia5(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** An OBJECT IDENTIFIER from its dotted form. */
  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      base128(out, Long.parseLong(arcs[i]));
    }
    return tlv(OID, out.toByteArray());
  }

  private static void base128(ByteArrayOutputStream out, long v) {
    int groups = 1;
    for (long t = v >>> 7; t != 0; t >>>= 7) {
      groups++;
    }
    for (int g = groups - 1; g >= 0; g--) {
      int b = (int) ((v >>> (7 * g)) & 0x7f);
      out.write(g == 0 ? b : b | 0x80);
    }
  }

  /** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds. */
  static byte[] time(Instant t) {
    Instant s = t.truncatedTo(ChronoUnit.SECONDS);
    boolean utc = ZonedDateTime.ofInstant(s, ZoneOffset.UTC).getYear() < 2050;
    String text = (utc ? UTC_TIME_FORMAT : GENERALIZED_TIME_FORMAT).format(s);
    return tlv(utc ? UTC_TIME : GENERALIZED_TIME, text.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The contents of the subjectPublicKey BIT STRING of a SubjectPublicKeyInfo ({@code
   * PublicKey.getEncoded()}), without its unused-bits byte: what key identifiers hash.
   */
  static byte[] subjectPublicKeyBits(byte[] spki) {
    Reader r = new Reader(spki);
    Reader info = r.enter(SEQUENCE);
    info.skip(SEQUENCE); // algorithm
    byte[] bits = info.read(BIT_STRING);
    byte[] out = new byte[bits.length - 1];
    System.arraycopy(bits, 1, out, 0, out.length);
    return out;
  }

  /** Just enough of a DER reader for a SubjectPublicKeyInfo. */
  private static final class Reader {
    private final byte[] b;
    private int pos;
    private final int end;

    Reader(byte[] b) {
      this(b, 0, b.length);
    }

    private Reader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    /** Reads a value of {@code tag} and returns its content range's bytes. */
    byte[] read(int tag) {
      int[] range = header(tag);
      byte[] out = new byte[range[1] - range[0]];
      System.arraycopy(b, range[0], out, 0, out.length);
      return out;
    }

    void skip(int tag) {
      header(tag);
    }

    Reader enter(int tag) {
      int[] range = header(tag);
      return new Reader(b, range[0], range[1]);
    }

    private int[] header(int tag) {
      if (pos + 2 > end || (b[pos] & 0xff) != tag) {
        throw new IllegalArgumentException("unexpected DER at " + pos + " (expected tag " + tag + ")");
      }
      pos++;
      int len = b[pos++] & 0xff;
      if (len >= 0x80) {
        int n = len & 0x7f;
        if (n == 0 || n > 3 || pos + n > end) {
          throw new IllegalArgumentException("unsupported DER length at " + pos);
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (b[pos++] & 0xff);
        }
      }
      if (pos + len > end) {
        throw new IllegalArgumentException("truncated DER at " + pos);
      }
      int start = pos;
      pos += len;
      return new int[] {start, pos};
    }
  }
}
