package io.mesh4j.internal.runtime;

import io.mesh4j.event.MeshEvent;
import io.mesh4j.event.MeshEventListener;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.event.ServiceAdded;
import io.mesh4j.event.ServiceRemoved;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's {@link MeshEvents}. One-off events go to a copy-on-write listener list without a
 * lock; state events also update the retained latest-per-key map, under a lock shared with
 * {@link #subscribe}, so a new subscriber sees each state exactly once: replayed or live.
 */
final class EventBus implements MeshEvents {

  private static final Logger log = LoggerFactory.getLogger(EventBus.class);

  private final List<MeshEventListener> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, MeshEvent> states = new LinkedHashMap<>(); // guarded by this
  /** Services removed and not added back: their late state events are delivered, not kept. */
  private final java.util.Set<String> removed = new java.util.HashSet<>(); // guarded by this

  @Override
  public void publish(MeshEvent event) {
    Objects.requireNonNull(event, "event");
    if (event.stateKey() != null || event instanceof ServiceRemoved || event instanceof ServiceAdded) {
      synchronized (this) {
        retain(event);
        deliver(event);
      }
      return;
    }
    deliver(event);
  }

  private void retain(MeshEvent event) {
    if (event instanceof ServiceRemoved gone) {
      removed.add(gone.service());
      states.values().removeIf(e -> gone.service().equals(e.service()));
    } else if (event instanceof ServiceAdded back) {
      removed.remove(back.service());
    } else if (event.service() == null || !removed.contains(event.service())) {
      // a circuit transition of a request that outlived its service's removal must not be replayed
      states.put(event.stateKey(), event);
    }
  }

  private void deliver(MeshEvent event) {
    for (MeshEventListener listener : listeners) {
      notify(listener, event);
    }
  }

  private static void notify(MeshEventListener listener, MeshEvent event) {
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      log.warn("mesh4j event listener {} failed on {}", listener, event, e);
    }
  }

  @Override
  public Subscription subscribe(MeshEventListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (this) {
      for (MeshEvent state : states.values()) {
        notify(listener, state);
      }
      listeners.add(listener);
    }
    return () -> listeners.remove(listener);
  }
}
