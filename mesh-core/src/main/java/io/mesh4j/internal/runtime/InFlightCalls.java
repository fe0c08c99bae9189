package io.mesh4j.internal.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Call;

/**
 * Mesh calls from start until their response body is closed, so that closing the client can
 * cancel them and no mesh connection outlives it.
 */
public final class InFlightCalls {

  private final Set<Call> calls = ConcurrentHashMap.newKeySet();

  public void add(Call call) {
    calls.add(call);
  }

  public void remove(Call call) {
    calls.remove(call);
  }

  public int size() {
    return calls.size();
  }

  void cancelAll() {
    for (Call call : calls) {
      call.cancel();
    }
    calls.clear();
  }
}
