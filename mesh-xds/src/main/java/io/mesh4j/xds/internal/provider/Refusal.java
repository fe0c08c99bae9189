package io.mesh4j.xds.internal.provider;

/**
 * Why one watch of a service refuses its requests (a TLS cluster that would be called in plaintext).
 * Compared by identity: a watch removes only its own refusal, never a newer watch's of the service.
 */
final class Refusal {

  private final String reason;
  /** Built once: a refused request allocates nothing. */
  private final io.mesh4j.routing.RouteDecision decision;

  Refusal(String reason) {
    this.reason = reason;
    this.decision = io.mesh4j.routing.RouteDecision.noRoute(reason);
  }

  io.mesh4j.routing.RouteDecision decision() {
    return decision;
  }

  String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return reason;
  }
}
