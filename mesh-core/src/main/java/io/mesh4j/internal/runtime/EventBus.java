package io.mesh4j.internal.runtime;

import io.mesh4j.event.MeshEvent;
import io.mesh4j.event.MeshEventListener;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.event.ServiceAdded;
import io.mesh4j.event.ServiceRemoved;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's {@link MeshEvents}. One-off events go straight to a copy-on-write listener list on
 * the publisher's thread. State events (and service additions and removals, which decide what is
 * retained) are retained and delivered through one {@link SerialExecutor}, as are the replays of new
 * subscriptions: a subscriber sees each state exactly once and in order, and no listener ever runs
 * while a lock is held, so a listener may call back into the client from any thread.
 */
final class EventBus implements MeshEvents {

  private static final Logger log = LoggerFactory.getLogger(EventBus.class);

  private final List<MeshEventListener> listeners = new CopyOnWriteArrayList<>();
  private final SerialExecutor states = new SerialExecutor("mesh4j event bus");
  // confined to the serial executor's tasks:
  private final Map<String, MeshEvent> retained = new LinkedHashMap<>();
  /** Services removed and not added back: their late state events are delivered, not kept. */
  private final Set<String> removed = new HashSet<>();

  @Override
  public void publish(MeshEvent event) {
    Objects.requireNonNull(event, "event");
    if (event.stateKey() != null || event instanceof ServiceRemoved || event instanceof ServiceAdded) {
      states.execute(() -> {
        retain(event);
        deliver(event);
      });
      return;
    }
    deliver(event);
  }

  private void retain(MeshEvent event) {
    if (event instanceof ServiceRemoved gone) {
      removed.add(gone.service());
      retained.values().removeIf(e -> gone.service().equals(e.service()));
    } else if (event instanceof ServiceAdded back) {
      removed.remove(back.service());
    } else if (event.service() == null || !removed.contains(event.service())) {
      // a circuit transition of a request that outlived its service's removal must not be replayed
      retained.put(event.stateKey(), event);
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
    states.executeAndWait(() -> {
      for (MeshEvent state : new ArrayList<>(retained.values())) {
        notify(listener, state);
      }
      listeners.add(listener);
    });
    return () -> listeners.remove(listener);
  }
}
