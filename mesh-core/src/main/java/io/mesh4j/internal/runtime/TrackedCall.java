package io.mesh4j.internal.runtime;

/**
 * A mesh call as the runtime tracks it while in flight: it can be cancelled and ended. A class
 * rather than an interface so that {@link InFlightCalls} links calls through these fields instead
 * of allocating a set entry (and hashing the call) per request.
 */
public abstract class TrackedCall {

  /** The stripe of {@link InFlightCalls} holding this call; null when not in flight. */
  volatile InFlightCalls.Stripe stripe;
  TrackedCall previous; // guarded by stripe
  TrackedCall next; // guarded by stripe

  /** The OkHttp call, to cancel. */
  public abstract okhttp3.Call okHttpCall();

  /** Ends the call for the modules: runs its completion actions once. Idempotent. */
  public abstract void complete();
}
