package io.mesh4j.resilience.internal;

import io.mesh4j.NoHealthyEndpointException;
import io.mesh4j.ServiceRemovedException;
import io.mesh4j.pipeline.MeshCall;

/** Questions about how a logical call ended that several stages ask. */
final class CallOutcome {

  private CallOutcome() {}

  /**
   * True when the call was cancelled by its caller (or the mesh closing) rather than by its
   * deadline: the mesh cancels the call when the deadline (the service's {@code timeout} or the
   * caller's) passes too, but that is a failure.
   */
  static boolean cancelledByCaller(MeshCall call) {
    return call.okHttpCall().isCanceled() && !call.deadlineExceeded();
  }

  /**
   * True when the mesh had nowhere to send the request: discovery has no endpoint for the service
   * (or every one is excluded), or the service was removed from the configuration; or the request
   * could not be sent because the endpoint answered mTLS with plaintext (a configuration error: an
   * open circuit would hide its message behind "circuit open").
   */
  static boolean neverSent(Throwable failure) {
    return failure instanceof NoHealthyEndpointException || failure instanceof ServiceRemovedException
        || failure instanceof io.mesh4j.TlsMismatchException;
  }
}
