package io.mesh4j.event;

import java.time.Duration;

/**
 * A hedged request was sent again, to another endpoint where there is one, because no response
 * had arrived within the hedge delay; the attempts already sent keep running.
 *
 * @param attempt which send of the request this is (2 for the first hedge)
 * @param delay how long the request had waited for response headers since its previous send
 */
public record HedgeSent(String service, int attempt, Duration delay) implements MeshEvent {}
