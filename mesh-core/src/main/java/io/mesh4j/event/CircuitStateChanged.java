package io.mesh4j.event;

/** A service's circuit breaker changed state. The latest one per service is replayed to new subscribers. */
public record CircuitStateChanged(String service, CircuitState from, CircuitState to) implements MeshEvent {

  @Override
  public String stateKey() {
    return "circuit/" + service;
  }
}
