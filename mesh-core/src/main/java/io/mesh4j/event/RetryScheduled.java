package io.mesh4j.event;

import io.mesh4j.discovery.Endpoint;
import java.time.Duration;

/**
 * A failed attempt will be retried.
 *
 * @param failedEndpoint the endpoint of the attempt that failed, or null
 * @param reason why, such as {@code HTTP 503} or {@code connect}
 * @param attempt the number of the attempt about to be made (2 for the first retry)
 * @param backoff the wait before it
 */
public record RetryScheduled(String service, Endpoint failedEndpoint, String reason, int attempt, Duration backoff)
    implements MeshEvent {}
