package io.mesh4j.event;

/**
 * Something that happened in one {@link io.mesh4j.MeshClient}: an endpoint ejected, a circuit
 * opened, a config reload applied. Events are immutable records published on the client's {@link
 * MeshEvents}; any module publishes them and any module or application subscribes, without the two
 * knowing each other (mesh-tracing turns them into metrics).
 *
 * <p>An event that describes a current state rather than a moment (a circuit's state, the SVID in
 * use) has a {@link #stateKey()}: the bus keeps the latest event per key and replays it to
 * listeners that subscribe later.
 */
public interface MeshEvent {

  /** The logical service the event is about, or null for client-wide events. */
  String service();

  /**
   * Non-null for an event that states a current state: the latest event with a given key is kept
   * and replayed to late subscribers. Null (the default) for one-off events.
   */
  default String stateKey() {
    return null;
  }
}
