package io.mesh4j.xds.internal.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits how often the same bad response is NACKed. Some servers (java-control-plane's SimpleCache)
 * answer a NACK by resending the same version at once, which would make a NACK storm of hundreds
 * per second: a repeat of the last NACKed response (same version, content and errors) that arrives
 * within {@link #STORM_WINDOW_NANOS} of that NACK is NACKed only once the interval has passed, the
 * interval doubling per repeat up to a maximum. A repeat arriving later is not a storm and is NACKed
 * at once; a different response starts over. The maximum is kept small because while a NACK is held
 * back such a server has no open request to answer, so a fixed version waits for it. Not thread-safe.
 */
final class NackDamper {

  /** What makes two responses "the same": version, resources and the resulting errors. */
  record Key(String version, int contentHash, String detail) {}

  /** A server that answers a NACK by resending does it within milliseconds: slower repeats are not a storm. */
  static final long STORM_WINDOW_NANOS = 100_000_000L;

  private final long initialNanos;
  private final long maxNanos;
  private Key lastKey;
  private long lastSentNanos;
  private long intervalNanos;

  NackDamper(Duration initial, Duration max) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** True when {@code key} differs from the response NACKed last (so it deserves a WARN). */
  boolean isNew(Key key) {
    return !Objects.equals(key, lastKey);
  }

  /** Nanoseconds to wait before NACKing {@code key}: 0 for a new one or a repeat outside the storm window. */
  long delayNanos(Key key, long nowNanos) {
    if (isNew(key) || nowNanos - lastSentNanos > STORM_WINDOW_NANOS) {
      return 0;
    }
    return Math.max(0, lastSentNanos + intervalNanos - nowNanos);
  }

  /** Records that {@code key} was NACKed now. */
  void sent(Key key, long nowNanos) {
    if (isNew(key)) {
      lastKey = key;
      intervalNanos = initialNanos;
    } else {
      intervalNanos = Math.min(maxNanos, intervalNanos * 2);
    }
    lastSentNanos = nowNanos;
  }

  /** A response was ACKed, or a new stream started: the next NACK is not a repeat. */
  void reset() {
    lastKey = null;
  }
}
