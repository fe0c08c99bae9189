package io.mesh4j.event;

/** A service's discovery answers again after failing. */
public record DiscoveryRecovered(String service, int endpoints) implements MeshEvent {}
