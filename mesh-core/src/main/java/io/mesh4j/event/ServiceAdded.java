package io.mesh4j.event;

/** A service became a mesh route (at startup, or by a config change). */
public record ServiceAdded(String service) implements MeshEvent {}
