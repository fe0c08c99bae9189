package io.mesh4j.resilience.internal;

import io.mesh4j.resilience.Deadline;

/**
 * Request tag set by {@link DeadlineStage}: the deadline of the whole call (the smaller of core's
 * {@code timeout} and an inbound deadline), and whether the inbound one fired and cancelled it.
 */
final class CallDeadline {

  private final Deadline deadline;
  private volatile boolean inboundFired;

  CallDeadline(Deadline deadline) {
    this.deadline = deadline;
  }

  Deadline deadline() {
    return deadline;
  }

  void markInboundFired() {
    inboundFired = true;
  }

  boolean inboundFired() {
    return inboundFired;
  }
}
