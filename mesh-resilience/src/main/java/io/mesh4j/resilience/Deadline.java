package io.mesh4j.resilience;

import java.time.Duration;

/**
 * A point in time by which work must be done, on the JVM's monotonic clock ({@link
 * System#nanoTime()}), so a wall-clock jump neither expires nor extends it. Immutable.
 *
 * <p>Besides being set for the current thread by {@link InboundDeadline#enter}, a deadline can be
 * given to one request as a tag ({@code .tag(Deadline.class, deadline)}); that is how an
 * asynchronous {@code enqueue()}, which runs on another thread, carries it.
 */
public final class Deadline implements Comparable<Deadline> {

  private final long deadlineNanos;

  private Deadline(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  /** A deadline {@code timeout} from now; negative timeouts give an expired deadline. */
  public static Deadline after(Duration timeout) {
    long now = System.nanoTime();
    long nanos = saturatedNanos(timeout);
    return new Deadline(nanos > 0 && now + nanos < now ? Long.MAX_VALUE : now + nanos);
  }

  /** Time left, zero when expired (never negative). */
  public Duration remaining() {
    long left = deadlineNanos - System.nanoTime();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  /** Whole milliseconds left, rounded down, zero when expired. */
  public long remainingMillis() {
    return remaining().toMillis();
  }

  public boolean isExpired() {
    return deadlineNanos - System.nanoTime() <= 0;
  }

  /** The earlier of the two. */
  public Deadline min(Deadline other) {
    return compareTo(other) <= 0 ? this : other;
  }

  @Override
  public int compareTo(Deadline other) {
    return Long.compare(deadlineNanos - other.deadlineNanos, 0); // overflow-safe, as nanoTime asks
  }

  @Override
  public String toString() {
    return "Deadline{" + remainingMillis() + "ms left}";
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
    }
  }
}
