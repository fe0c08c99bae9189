package io.mesh4j.tls.support;

import io.mesh4j.event.MeshEvent;
import io.mesh4j.event.MeshEventListener;
import io.mesh4j.event.MeshEvents;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An event bus as a MeshClient's: synchronous, the latest state event per key replayed; records all. */
public final class TestEvents implements MeshEvents {

  private final List<MeshEventListener> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, MeshEvent> states = new LinkedHashMap<>();
  private final List<MeshEvent> published = new CopyOnWriteArrayList<>();

  @Override
  public synchronized void publish(MeshEvent event) {
    published.add(event);
    if (event.stateKey() != null) {
      states.put(event.stateKey(), event);
    }
    listeners.forEach(l -> l.onEvent(event));
  }

  @Override
  public synchronized Subscription subscribe(MeshEventListener listener) {
    states.values().forEach(listener::onEvent);
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Every event published so far, in order. */
  public <E extends MeshEvent> List<E> published(Class<E> type) {
    List<E> out = new ArrayList<>();
    for (MeshEvent e : published) {
      if (type.isInstance(e)) {
        out.add(type.cast(e));
      }
    }
    return out;
  }
}
