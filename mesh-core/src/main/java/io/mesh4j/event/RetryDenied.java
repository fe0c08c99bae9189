package io.mesh4j.event;

/**
 * A retry, or a hedge ({@code reason} {@code hedge}), was wanted but the service's retry budget was
 * spent.
 */
public record RetryDenied(String service, String reason) implements MeshEvent {}
