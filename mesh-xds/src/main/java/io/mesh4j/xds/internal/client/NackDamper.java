package io.mesh4j.xds.internal.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits how often the same bad response is NACKed. Some servers (java-control-plane's SimpleCache)
 * answer a NACK by resending the same version at once, which would make a NACK storm of hundreds
 * per second: the same (version, content) is NACKed at most once per interval, the interval
 * doubling per repeat up to a maximum. A different response starts over. Not thread-safe.
 */
final class NackDamper {

  /** What makes two responses "the same": version, resources and the resulting errors. */
  record Key(String version, int contentHash, String detail) {}

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

  /** Nanoseconds to wait before NACKing {@code key}: 0 for a new one. */
  long delayNanos(Key key, long nowNanos) {
    if (isNew(key)) {
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

  /** A response was ACKed: the next NACK is not a repeat. */
  void reset() {
    lastKey = null;
  }
}
