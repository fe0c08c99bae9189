package io.mesh4j.xds.internal.client;

import java.time.Duration;

/**
 * Timers of the {@link XdsClient}.
 *
 * @param resourceTimeout how long a subscribed name may go unanswered on a connected stream before
 *     it is reported as not existing (gRPC: 15 s); also how long a name stays subscribed after its
 *     last watcher cancelled (so a watcher coming back gets it without asking the server again)
 * @param backoffInitial first delay before reopening a failed stream (jittered ±20%)
 * @param backoffMax the delay doubles up to this
 * @param nackDampingInitial after a NACK, the same bad response (same version and content) is
 *     NACKed again at most once per interval, starting with this one
 * @param nackDampingMax the damping interval doubles up to this; a good version published while a
 *     NACK is held back waits up to this long on servers that resend the rejected version at once
 */
public record XdsClientSettings(
    Duration resourceTimeout,
    Duration backoffInitial,
    Duration backoffMax,
    Duration nackDampingInitial,
    Duration nackDampingMax) {

  public static final XdsClientSettings DEFAULTS =
      new XdsClientSettings(
          Duration.ofSeconds(15),
          Duration.ofSeconds(1),
          Duration.ofSeconds(30),
          Duration.ofSeconds(1),
          Duration.ofSeconds(4));

  public XdsClientSettings {
    requirePositive("resourceTimeout", resourceTimeout);
    requirePositive("backoffInitial", backoffInitial);
    requirePositive("backoffMax", backoffMax);
    requirePositive("nackDampingInitial", nackDampingInitial);
    requirePositive("nackDampingMax", nackDampingMax);
    if (backoffMax.compareTo(backoffInitial) < 0) {
      throw new IllegalArgumentException("backoffMax " + backoffMax + " < backoffInitial " + backoffInitial);
    }
    if (nackDampingMax.compareTo(nackDampingInitial) < 0) {
      throw new IllegalArgumentException(
          "nackDampingMax " + nackDampingMax + " < nackDampingInitial " + nackDampingInitial);
    }
  }

  public XdsClientSettings withResourceTimeout(Duration timeout) {
    return new XdsClientSettings(timeout, backoffInitial, backoffMax, nackDampingInitial, nackDampingMax);
  }

  public XdsClientSettings withBackoff(Duration initial, Duration max) {
    return new XdsClientSettings(resourceTimeout, initial, max, nackDampingInitial, nackDampingMax);
  }

  public XdsClientSettings withNackDamping(Duration initial, Duration max) {
    return new XdsClientSettings(resourceTimeout, backoffInitial, backoffMax, initial, max);
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
  }
}
