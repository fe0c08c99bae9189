package io.mesh4j.resilience.internal;

import io.mesh4j.resilience.ResilienceEvent;

/** Whether a service is in panic mode; reports each transition once (event and log). */
final class PanicState {

  private final String service;
  private final EventDispatcher events;
  private volatile boolean panic;

  PanicState(String service, EventDispatcher events) {
    this.service = service;
    this.events = events;
  }

  /** Called by the (per-service serialized) endpoint filter with its latest verdict. */
  void update(boolean now, int healthy, int total) {
    if (now == panic) {
      return;
    }
    panic = now;
    String detail = healthy + " of " + total + " endpoints healthy";
    events.emit(
        now ? ResilienceEvent.Type.PANIC_ENTERED : ResilienceEvent.Type.PANIC_EXITED,
        service,
        null,
        now ? detail + ": balancing over all of them" : detail);
  }

  boolean inPanic() {
    return panic;
  }
}
