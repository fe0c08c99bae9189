package io.mesh4j.internal.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mesh calls from start until their response body is closed, so that closing the client can
 * cancel them and no mesh connection outlives it.
 */
public final class InFlightCalls {

  private final Set<TrackedCall> calls = ConcurrentHashMap.newKeySet();

  public void add(TrackedCall call) {
    calls.add(call);
  }

  public void remove(TrackedCall call) {
    calls.remove(call);
  }

  public int size() {
    return calls.size();
  }

  /**
   * Cancels every call and ends it at once, so modules release what they hold before they close
   * (rather than when the caller eventually closes a body).
   */
  void cancelAll() {
    for (TrackedCall call : calls) {
      call.okHttpCall().cancel();
      call.complete();
    }
    calls.clear();
  }
}
