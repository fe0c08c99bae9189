package io.mesh4j.benchmarks.lbq;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What a scenario's timeline acts on during a run: the backends, the client's endpoints, its events. */
final class RunControl {

  private final TimeBuckets time;
  private final Map<String, ModelBackend> backends;
  private final MeshSetup mesh;
  private final List<ScenarioEvent> events;

  RunControl(TimeBuckets time, Map<String, ModelBackend> backends, MeshSetup mesh, List<ScenarioEvent> events) {
    this.time = time;
    this.backends = backends;
    this.mesh = mesh;
    this.events = events;
  }

  /** Paces the timeline: returns at {@code seconds} since the start (at once if that has passed). */
  void waitUntil(double seconds) throws InterruptedException {
    long left;
    while ((left = time.nanoTimeAt(seconds) - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  ModelBackend backend(String name) {
    ModelBackend b = backends.get(name);
    if (b == null) {
      throw new IllegalArgumentException("no backend " + name + " in this scenario");
    }
    return b;
  }

  /** Replaces the client's static endpoints with these backends (through MeshClient.apply). */
  void endpoints(List<String> names) {
    mesh.endpoints(names.stream().map(n -> backend(n).endpointSpec()).toList());
  }

  /** Records that something happened now. */
  void event(String kind, String backend, String text) {
    synchronized (events) {
      events.add(new ScenarioEvent(time.secondsSinceStart(System.nanoTime()), kind, backend, text));
    }
  }
}
