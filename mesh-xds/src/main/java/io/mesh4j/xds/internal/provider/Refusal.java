package io.mesh4j.xds.internal.provider;

/**
 * Why one watch of a service refuses its requests (a TLS cluster that would be called in plaintext).
 * Compared by identity: a watch removes only its own refusal, never a newer watch's of the service.
 */
final class Refusal {

  private final String reason;

  Refusal(String reason) {
    this.reason = reason;
  }

  String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return reason;
  }
}
