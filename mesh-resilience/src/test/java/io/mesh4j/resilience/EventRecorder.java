package io.mesh4j.resilience;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Keeps every resilience event, for assertions. */
final class EventRecorder implements ResilienceListener {

  final List<ResilienceEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(ResilienceEvent event) {
    events.add(event);
  }

  List<ResilienceEvent.Type> types() {
    return events.stream().map(ResilienceEvent::type).collect(Collectors.toList());
  }

  long count(ResilienceEvent.Type type) {
    return events.stream().filter(e -> e.type() == type).count();
  }

  List<ResilienceEvent> of(ResilienceEvent.Type type) {
    return events.stream().filter(e -> e.type() == type).collect(Collectors.toList());
  }

  List<String> details(ResilienceEvent.Type type) {
    return events.stream().filter(e -> e.type() == type).map(ResilienceEvent::detail).collect(Collectors.toList());
  }
}
