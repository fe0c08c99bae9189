package io.mesh4j.event;

import io.mesh4j.discovery.Endpoint;

/**
 * Active health checks marked an endpoint healthy or unhealthy.
 *
 * @param detail the probe result that decided it, for people
 */
public record EndpointHealthChanged(String service, Endpoint endpoint, boolean healthy, String detail)
    implements MeshEvent {}
