package io.mesh4j.event;

import io.mesh4j.discovery.Endpoint;

/**
 * A hedge answered first: the caller gets its response, and the request's other attempts were
 * cancelled. (When the first attempt answers first, no event: the hedges it beat are in {@link
 * HedgeSent}.)
 *
 * @param endpoint the endpoint that answered
 * @param attempt the number of the attempt that answered ({@code MeshAttempt.number()})
 */
public record HedgeWon(String service, Endpoint endpoint, int attempt) implements MeshEvent {}
