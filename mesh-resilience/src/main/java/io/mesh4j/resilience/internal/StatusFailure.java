package io.mesh4j.resilience.internal;

/** What the circuit breaker records for a response whose status counts as a failure. */
final class StatusFailure extends Exception {

  private static final long serialVersionUID = 1L;

  StatusFailure(int code) {
    super("HTTP " + code, null, false, false); // no stack trace: recorded, never thrown
  }
}
