package io.mesh4j.resilience.internal;

/**
 * Request tag telling the retry stage how far one attempt got. Set by {@link ConnectionMarker}
 * once OkHttp has a connection for the attempt; from then on request bytes may have reached the
 * server, so only requests safe to repeat may be retried.
 */
final class AttemptProgress {

  private volatile boolean connected;

  void markConnected() {
    connected = true;
  }

  boolean connected() {
    return connected;
  }
}
