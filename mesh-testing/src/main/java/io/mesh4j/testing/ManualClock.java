package io.mesh4j.testing;

import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link MeshClock} that moves only when a test calls {@link #advance}: timers, EWMA decay and
 * certificate lifetimes become deterministic, and no test has to sleep. Thread-safe. Both times
 * move together; the monotonic time starts at an arbitrary non-zero value, as System.nanoTime does.
 */
public final class ManualClock implements MeshClock {

  /** Default wall-clock start: 2025-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

  private static final long NANO_ORIGIN = 1_000_000_000_000L;

  private final AtomicLong elapsedNanos = new AtomicLong();
  private final long wallStartMillis;

  public ManualClock() {
    this(DEFAULT_START);
  }

  public ManualClock(Instant wallStart) {
    this.wallStartMillis = Objects.requireNonNull(wallStart, "wallStart").toEpochMilli();
  }

  /** Moves both clocks forward; returns the new {@link #nanoTime()}. */
  public long advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a monotonic clock cannot go back: " + duration);
    }
    return NANO_ORIGIN + elapsedNanos.addAndGet(duration.toNanos());
  }

  /** Time advanced since this clock was created. */
  public Duration elapsed() {
    return Duration.ofNanos(elapsedNanos.get());
  }

  @Override
  public long nanoTime() {
    return NANO_ORIGIN + elapsedNanos.get();
  }

  @Override
  public long wallMillis() {
    return wallStartMillis + elapsedNanos.get() / 1_000_000;
  }

  @Override
  public String toString() {
    return "ManualClock{" + Instant.ofEpochMilli(wallMillis()) + "}";
  }
}
