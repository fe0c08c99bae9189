package io.mesh4j.xds.internal.client;

import io.mesh4j.event.MeshEvent;
import io.mesh4j.event.MeshEventListener;
import io.mesh4j.event.MeshEvents;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every published event. */
final class RecordingEvents implements MeshEvents {

  private final List<MeshEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void publish(MeshEvent event) {
    events.add(event);
  }

  @Override
  public Subscription subscribe(MeshEventListener listener) {
    throw new UnsupportedOperationException("tests read the recorded events");
  }

  <E extends MeshEvent> List<E> of(Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
