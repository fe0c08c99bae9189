package io.mesh4j.event;

/**
 * A service's discovery could not be read. With {@code keptEndpoints} > 0 the mesh keeps serving
 * the last good endpoints; with none yet, requests to the service fail with this error.
 */
public record DiscoveryFailed(String service, Throwable error, int keptEndpoints) implements MeshEvent {}
