package io.mesh4j.pipeline;

import io.mesh4j.discovery.Endpoint;

/**
 * One attempt of a mesh request on one endpoint. Also set as the OkHttp request tag of the
 * rewritten request, so network interceptors and event listeners can find it: {@code
 * request.tag(MeshAttempt.class)}.
 *
 * @param service the logical service name
 * @param endpoint the endpoint picked for this attempt
 * @param number 1 for the first attempt, 2 for the first retry, ...
 */
public record MeshAttempt(String service, Endpoint endpoint, int number) {}
