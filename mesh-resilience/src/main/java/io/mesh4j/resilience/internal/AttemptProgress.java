package io.mesh4j.resilience.internal;

import okhttp3.Call;
import okhttp3.Request;

/**
 * Tells the retry stage how far one attempt got. Set by {@link ConnectionMarker} once OkHttp has a
 * connection for the attempt; from then on request bytes may have reached the server, so only
 * requests safe to repeat may be retried.
 *
 * <p>Where it is kept: a hedged attempt (its own OkHttp call, running beside others) carries its
 * own as a request tag. Sequential attempts run one after another on the logical OkHttp call, so
 * they share one kept as that call's tag and {@linkplain #reset() reset} before each attempt: no
 * copy of the request per attempt.
 */
final class AttemptProgress {

  private volatile boolean connected;

  /** The attempt's progress: its request's tag, else its OkHttp call's; null when neither has one. */
  static AttemptProgress of(Request request, Call call) {
    AttemptProgress progress = request.tag(AttemptProgress.class);
    return progress != null ? progress : call.tag(AttemptProgress.class);
  }

  /** The progress kept on a logical call for its sequential attempts, created by the first. */
  static AttemptProgress onCall(Call call) {
    return call.tag(AttemptProgress.class, AttemptProgress::new);
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
