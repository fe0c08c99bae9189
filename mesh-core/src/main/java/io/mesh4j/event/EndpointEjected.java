package io.mesh4j.event;

import io.mesh4j.discovery.Endpoint;
import java.time.Duration;

/**
 * Passive outlier detection took an endpoint out of rotation.
 *
 * @param consecutiveFailures failures in a row that triggered it
 * @param ejectionTime how long it stays out
 */
public record EndpointEjected(String service, Endpoint endpoint, int consecutiveFailures, Duration ejectionTime)
    implements MeshEvent {}
