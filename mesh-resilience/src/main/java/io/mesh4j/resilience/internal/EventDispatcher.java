package io.mesh4j.resilience.internal;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.resilience.ResilienceEvent;
import io.mesh4j.resilience.ResilienceListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands events to the registered listeners and logs the transitions worth a log line. */
public final class EventDispatcher {

  private static final Logger log = LoggerFactory.getLogger("io.mesh4j.resilience");

  private final List<ResilienceListener> listeners;

  /** @param listeners read on every event (a concurrent list: listeners may come and go) */
  public EventDispatcher(List<ResilienceListener> listeners) {
    this.listeners = listeners;
  }

  void emit(ResilienceEvent.Type type, String service, Endpoint endpoint, String detail) {
    ResilienceEvent event = new ResilienceEvent(type, service, endpoint, detail);
    logEvent(event);
    for (ResilienceListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("resilience listener {} failed on {}", listener, event, e);
      }
    }
  }

  private static void logEvent(ResilienceEvent event) {
    switch (event.type()) {
      case CIRCUIT_STATE_CHANGED, ENDPOINT_EJECTED, ENDPOINT_UNHEALTHY, PANIC_ENTERED -> log.warn("{}", event);
      case ENDPOINT_READMITTED, ENDPOINT_HEALTHY, PANIC_EXITED -> log.info("{}", event);
      // per-request events: too many for INFO under load
      default -> log.debug("{}", event);
    }
  }
}
