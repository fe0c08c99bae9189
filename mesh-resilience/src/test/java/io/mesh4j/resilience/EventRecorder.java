package io.mesh4j.resilience;

import io.mesh4j.MeshClient;
import io.mesh4j.event.MeshEvent;
import io.mesh4j.event.MeshEventListener;
import io.mesh4j.event.MeshEvents;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Keeps every event of a client's bus, for assertions. */
final class EventRecorder implements MeshEventListener {

  final List<MeshEvent> events = new CopyOnWriteArrayList<>();
  private MeshEvents.Subscription subscription;

  /** A recorder subscribed to {@code mesh.events()}. */
  static EventRecorder on(MeshClient mesh) {
    EventRecorder recorder = new EventRecorder();
    recorder.subscription = mesh.events().subscribe(recorder);
    return recorder;
  }

  @Override
  public void onEvent(MeshEvent event) {
    events.add(event);
  }

  void stop() {
    subscription.close();
  }

  <E extends MeshEvent> List<E> of(Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
  }

  long count(Class<? extends MeshEvent> type) {
    return events.stream().filter(type::isInstance).count();
  }
}
