package io.mesh4j.event;

import io.mesh4j.discovery.Endpoint;

/** An ejected endpoint's ejection time passed: it takes traffic again. */
public record EndpointReadmitted(String service, Endpoint endpoint) implements MeshEvent {}
