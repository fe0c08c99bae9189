package io.mesh4j.resilience.internal;

import io.mesh4j.pipeline.MeshCall;

/** Questions about how a logical call ended that several stages ask. */
final class CallOutcome {

  private CallOutcome() {}

  /**
   * True when the call was cancelled by its caller (or the mesh closing) rather than by a timeout:
   * core's {@code timeout} and inbound deadlines cancel the call too, but those are failures.
   */
  static boolean cancelledByCaller(MeshCall call, boolean inboundDeadlineFired) {
    return call.okHttpCall().isCanceled() && !inboundDeadlineFired && !call.deadlineExceeded();
  }
}
