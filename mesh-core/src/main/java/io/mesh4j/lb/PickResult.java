package io.mesh4j.lb;

import io.mesh4j.discovery.Endpoint;
import java.util.Objects;

/**
 * Outcome of one pick: an endpoint (with a tracker to report how the attempt went), or no endpoint
 * (with the reason). Immutable.
 */
public final class PickResult {

  private static final PickResult NO_ENDPOINT_YET =
      new PickResult(null, CallTracker.NOOP, "discovery has not produced endpoints yet", true);

  private final Endpoint endpoint;
  private final CallTracker tracker;
  private final String reason;
  private final boolean pending;

  private PickResult(Endpoint endpoint, CallTracker tracker, String reason, boolean pending) {
    this.endpoint = endpoint;
    this.tracker = tracker;
    this.reason = reason;
    this.pending = pending;
  }

  /** An endpoint, whose attempt's end is not tracked. */
  public static PickResult of(Endpoint endpoint) {
    return of(endpoint, CallTracker.NOOP);
  }

  /** An endpoint, and the tracker the pipeline calls exactly once when the attempt ends. */
  public static PickResult of(Endpoint endpoint, CallTracker tracker) {
    return new PickResult(
        Objects.requireNonNull(endpoint, "endpoint"),
        Objects.requireNonNull(tracker, "tracker"),
        null,
        false);
  }

  /** No endpoint can be chosen, for the given reason (for example: the endpoint list is empty). */
  public static PickResult noEndpoint(String reason) {
    return new PickResult(null, CallTracker.NOOP, Objects.requireNonNull(reason, "reason"), false);
  }

  /** Discovery has not answered yet: the caller may wait a little for a first snapshot. */
  public static PickResult noEndpointYet() {
    return NO_ENDPOINT_YET;
  }

  public boolean hasEndpoint() {
    return endpoint != null;
  }

  /** The endpoint, or null when {@link #hasEndpoint()} is false. */
  public Endpoint endpoint() {
    return endpoint;
  }

  public CallTracker tracker() {
    return tracker;
  }

  /** Why no endpoint was picked, or null when one was. */
  public String reason() {
    return reason;
  }

  /** True when no endpoint was picked only because discovery has not answered yet. */
  public boolean isPending() {
    return pending;
  }

  @Override
  public String toString() {
    return endpoint != null ? "PickResult{" + endpoint + "}" : "PickResult{none: " + reason + "}";
  }
}
