package io.mesh4j.resilience.internal;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.resilience.ResilienceEvent;
import io.mesh4j.resilience.ResilienceListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands one client's events to the module's listeners and to those added to that client (by
 * other modules, at {@code started()}), and logs the transitions worth a log line.
 */
public final class EventDispatcher {

  private static final Logger log = LoggerFactory.getLogger("io.mesh4j.resilience");

  private final List<ResilienceListener> moduleListeners;
  private final List<ResilienceListener> clientListeners = new CopyOnWriteArrayList<>();

  /** @param moduleListeners read on every event (a concurrent list: listeners may come and go) */
  public EventDispatcher(List<ResilienceListener> moduleListeners) {
    this.moduleListeners = moduleListeners;
  }

  /** Adds a listener for this client's events only. */
  public void addListener(ResilienceListener listener) {
    clientListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(ResilienceListener listener) {
    clientListeners.remove(listener);
  }

  void emit(ResilienceEvent.Type type, String service, Endpoint endpoint, String detail) {
    emit(new ResilienceEvent(type, service, endpoint, detail));
  }

  void emit(ResilienceEvent event) {
    logEvent(event);
    notify(moduleListeners, event);
    notify(clientListeners, event);
  }

  private static void notify(List<ResilienceListener> listeners, ResilienceEvent event) {
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
      // a circuit closing again is recovery, not trouble
      case CIRCUIT_STATE_CHANGED -> {
        if (event.to() == io.mesh4j.resilience.CircuitState.CLOSED) {
          log.info("{}", event);
        } else {
          log.warn("{}", event);
        }
      }
      case ENDPOINT_EJECTED, ENDPOINT_UNHEALTHY, PANIC_ENTERED -> log.warn("{}", event);
      case ENDPOINT_READMITTED, ENDPOINT_HEALTHY, PANIC_EXITED -> log.info("{}", event);
      // per-request events: too many for INFO under load
      default -> log.debug("{}", event);
    }
  }
}
