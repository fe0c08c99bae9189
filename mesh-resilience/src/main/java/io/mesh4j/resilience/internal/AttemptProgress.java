package io.mesh4j.resilience.internal;

import okhttp3.Request;

/**
 * Tells the retry stage how far one attempt got. Set by {@link ConnectionMarker} once OkHttp has a
 * connection for the attempt; from then on request bytes may have reached the server, so only
 * requests safe to repeat may be retried.
 *
 * <p>Kept as a request tag, so that it goes wherever the attempt's request goes, including onto an
 * OkHttp call of its own (a hedge, or a stage's concurrent attempt). Sequential attempts of one
 * request share one, {@linkplain #reset() reset} before each: one request copy per request, not
 * per attempt.
 */
final class AttemptProgress {

  private volatile boolean connected;

  /** The attempt's progress, its request's tag; null for a request the retry stage did not tag. */
  static AttemptProgress of(Request request) {
    return request.tag(AttemptProgress.class);
  }

  void markConnected() {
    connected = true;
  }

  boolean connected() {
    return connected;
  }

  /** A new attempt begins: nothing is known of it yet. */
  void reset() {
    connected = false;
  }
}
