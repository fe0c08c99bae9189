package io.mesh4j.event;

/** A retry was wanted but the service's retry budget was spent. */
public record RetryDenied(String service, String reason) implements MeshEvent {}
