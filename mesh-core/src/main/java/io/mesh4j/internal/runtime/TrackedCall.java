package io.mesh4j.internal.runtime;

/** A mesh call as the runtime tracks it while in flight: it can be cancelled and ended. */
public interface TrackedCall {

  /** The OkHttp call, to cancel. */
  okhttp3.Call okHttpCall();

  /** Ends the call for the modules: runs its completion actions once. Idempotent. */
  void complete();
}
