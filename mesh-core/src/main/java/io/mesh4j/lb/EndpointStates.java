package io.mesh4j.lb;

import io.mesh4j.discovery.Endpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Per-endpoint state kept across endpoint updates, keyed by {@code host:port} so that a change of
 * weight or metadata keeps the endpoint's counters. Not thread-safe: used only on the serialized
 * update path; pickers get plain arrays.
 */
public final class EndpointStates<S> {

  private final Supplier<S> newState;
  private final IntFunction<S[]> newArray;
  private Map<String, S> byAuthority = new HashMap<>();

  public EndpointStates(Supplier<S> newState, IntFunction<S[]> newArray) {
    this.newState = newState;
    this.newArray = newArray;
  }

  /** States for {@code endpoints}, in order: kept for those that remain, new for new ones; others dropped. */
  public S[] retain(List<Endpoint> endpoints) {
    Map<String, S> next = new HashMap<>();
    S[] states = newArray.apply(endpoints.size());
    for (int i = 0; i < states.length; i++) {
      String key = endpoints.get(i).authority();
      S state = byAuthority.get(key);
      states[i] = state != null ? state : newState.get();
      next.put(key, states[i]);
    }
    byAuthority = next;
    return states;
  }

  public void clear() {
    byAuthority = new HashMap<>();
  }
}
