package io.mesh4j.resilience.internal;

import io.mesh4j.event.PanicModeChanged;

/** Whether a service is in panic mode; reports each transition once (event and log). */
final class PanicState {

  private final String service;
  private final ResilienceEvents events;
  private volatile boolean panic;

  PanicState(String service, ResilienceEvents events) {
    this.service = service;
    this.events = events;
  }

  /** Called by the (per-service serialized) endpoint filter with its latest verdict. */
  void update(boolean now, int healthy, int total) {
    if (now == panic) {
      return;
    }
    panic = now;
    events.publish(new PanicModeChanged(service, now, healthy, total));
  }

  boolean inPanic() {
    return panic;
  }
}
