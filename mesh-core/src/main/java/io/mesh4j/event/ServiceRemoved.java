package io.mesh4j.event;

/**
 * A service was removed from the configuration: new requests to it fail closed. Listeners drop
 * what they keep about it; state events of the service are no longer replayed.
 */
public record ServiceRemoved(String service) implements MeshEvent {}
