package io.mesh4j.resilience.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;

/** How an attempt failed with an exception, as far as retrying is concerned. */
enum FailureKind {
  /** No connection was made: nothing was sent, so any method may be retried. */
  CONNECT,
  /** The connection broke after the request may have been written. */
  RESET,
  /** The attempt timed out (per-try timeout) after connecting. */
  TIMEOUT,
  /**
   * The endpoint answered mTLS with plaintext ({@link io.mesh4j.TlsMismatchException}): a
   * configuration error that every endpoint repeats, so never retried, and not the endpoint's
   * failure (outlier detection does not count it).
   */
  MISMATCH,
  /** Anything else: not retried. */
  OTHER;

  /**
   * @param connected whether the attempt reached a connection (a network interceptor ran), i.e.
   *     whether request bytes may have been sent
   */
  /**
   * Whether an attempt's exception says the endpoint failed (connect failure, reset, timeout) rather
   * than something of our own. {@code progress} is null for a request that takes one attempt only
   * (its request is not copied to carry it): then either reading counts.
   */
  static boolean isEndpointFailure(IOException e, AttemptProgress progress) {
    if (progress != null) {
      return isEndpoint(of(e, progress.connected()));
    }
    return isEndpoint(of(e, false)) || isEndpoint(of(e, true));
  }

  private static boolean isEndpoint(FailureKind kind) {
    return kind != OTHER && kind != MISMATCH;
  }

  static FailureKind of(IOException e, boolean connected) {
    if (e instanceof io.mesh4j.TlsMismatchException) {
      return MISMATCH;
    }
    if (!connected) {
      // Before a connection exists nothing was written: refused, unreachable, connect timeout, or
      // a TLS handshake that failed.
      return e instanceof ConnectException
              || e instanceof NoRouteToHostException
              || e instanceof UnknownHostException
              || e instanceof InterruptedIOException
              || e instanceof SocketException
              || e instanceof javax.net.ssl.SSLException
          ? CONNECT
          : OTHER;
    }
    if (e instanceof InterruptedIOException) {
      return TIMEOUT;
    }
    if (e instanceof SocketException || e instanceof EOFException
        || e.getClass().getSimpleName().equals("StreamResetException")) { // HTTP/2, not public API
      return RESET;
    }
    String message = String.valueOf(e.getMessage());
    // OkHttp's words for a server that closed the connection before answering.
    if (message.contains("unexpected end of stream") || message.contains("end of stream")) {
      return RESET;
    }
    return OTHER;
  }
}
