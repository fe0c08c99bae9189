package io.mesh4j.event;

/**
 * An open (or saturated half-open) circuit refused a request without touching the network.
 * Published on the request's thread, inside the request's span when tracing runs.
 */
public record CircuitRejected(String service, CircuitState state) implements MeshEvent {}
