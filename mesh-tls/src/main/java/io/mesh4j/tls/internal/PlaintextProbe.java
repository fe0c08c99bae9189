package io.mesh4j.tls.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks a server that did not answer a TLS ClientHello in time what it is, on the same connection.
 *
 * <p>A plaintext HTTP/1.x server (the JDK {@code HttpServer}, for one) reads the ClientHello as the
 * start of a request line and waits for the line's end, so it never answers. Two CRLFs end that
 * line and the (empty) header block: it then answers with an HTTP error ({@code HTTP/1.1 400 Bad
 * Request}), which proves the mismatch. A TLS server reads them as a broken record and answers
 * with TLS bytes (an alert) or nothing; a hung server answers nothing. The probe breaks the
 * handshake either way, so it is sent only once the handshake has already failed its deadline.
 */
final class PlaintextProbe {

  /** What the server answered to the probe. */
  enum Kind {
    /** Nothing within the wait (or the connection was closed): hung, or neither TLS nor HTTP. */
    SILENT,
    /** A TLS record: a TLS server, too slow for the handshake deadline. */
    TLS,
    /** An HTTP/1.x answer: a plaintext HTTP server. */
    PLAINTEXT,
    /**
     * Bytes that are neither a TLS record's start nor an HTTP answer: another protocol, or the
     * rest of a TLS record a slow server was sending when the deadline passed (TLS 1.3 ciphertext
     * starts with any byte). Never proof of plaintext.
     */
    UNKNOWN
  }

  /** @param firstLine the answer's first line, printable ASCII only; empty for SILENT and TLS */
  record Answer(Kind kind, String firstLine) {}

  private static final byte[] END_OF_LINE_AND_HEADERS = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_BYTES = 128;
  private static final int MAX_SHOWN = 60;

  private PlaintextProbe() {}

  /** Sends the probe on {@code raw} (the socket under the TLS socket) and reads for up to {@code wait}. */
  static Answer ask(Socket raw, Duration wait) {
    byte[] buf = new byte[MAX_BYTES];
    int n = 0;
    try {
      OutputStream out = raw.getOutputStream();
      out.write(END_OF_LINE_AND_HEADERS);
      out.flush();
      InputStream in = raw.getInputStream();
      long until = System.nanoTime() + wait.toNanos();
      while (n < MAX_BYTES && !hasLineEnd(buf, n)) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          break;
        }
        raw.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
        int r;
        try {
          r = in.read(buf, n, MAX_BYTES - n);
        } catch (SocketTimeoutException e) {
          break;
        }
        if (r < 0) {
          break;
        }
        n += r;
      }
    } catch (IOException e) {
      // the server closed (or reset) on the probe: judge what came before, if anything
    }
    return classify(buf, n);
  }

  private static final byte[] HTTP = "HTTP/".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  static Answer classify(byte[] buf, int n) {
    if (n == 0) {
      return new Answer(Kind.SILENT, "");
    }
    int first = buf[0] & 0xff;
    if (first >= 0x14 && first <= 0x17) { // change_cipher_spec, alert, handshake, application_data
      return new Answer(Kind.TLS, "");
    }
    StringBuilder line = new StringBuilder();
    boolean http = n >= HTTP.length;
    for (int i = 0; http && i < HTTP.length; i++) {
      http = buf[i] == HTTP[i];
    }
    for (int i = 0; i < n && line.length() < MAX_SHOWN; i++) {
      int c = buf[i] & 0xff;
      if (c == '\r' || c == '\n') {
        break;
      }
      line.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
    }
    return new Answer(http ? Kind.PLAINTEXT : Kind.UNKNOWN, line.toString());
  }

  private static boolean hasLineEnd(byte[] buf, int n) {
    for (int i = 0; i < n; i++) {
      if (buf[i] == '\n') {
        return true;
      }
    }
    return false;
  }
}
