package io.mesh4j.tls.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a renewal task on the shared scheduler, again after the delay it returns, or after an
 * exponential backoff (1 s doubling to 30 s) when it returns null. The scheduler's delays are
 * monotonic (nanoTime), so a wall-clock jump neither stalls nor hurries renewal.
 */
final class RenewalTimer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RenewalTimer.class);
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final ScheduledExecutorService scheduler;
  private final Supplier<Duration> task;
  private final String name;
  private ScheduledFuture<?> next;
  private Duration backoff = FIRST_BACKOFF;
  private boolean closed;

  RenewalTimer(ScheduledExecutorService scheduler, Supplier<Duration> task, String name) {
    this.scheduler = scheduler;
    this.task = task;
    this.name = name;
  }

  /** Half the lifetime, less up to 5% of it so many workloads started together spread out. */
  static Duration halfLife(Duration ttl) {
    long half = ttl.toNanos() / 2;
    long jitter = (long) (half * 0.1 * ThreadLocalRandom.current().nextDouble());
    return Duration.ofNanos(Math.max(half - jitter, TimeUnit.MILLISECONDS.toNanos(100)));
  }

  synchronized void scheduleAfter(Duration delay) {
    if (closed) {
      return;
    }
    try {
      next = scheduler.schedule(this::run, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("{}: scheduler is shut down; no further renewal", name);
    }
  }

  private void run() {
    Duration after;
    try {
      after = task.get();
    } catch (RuntimeException e) {
      log.warn("{}: renewal task failed", name, e);
      after = null;
    }
    if (after == null) {
      after = backoff;
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    } else {
      backoff = FIRST_BACKOFF;
    }
    scheduleAfter(after);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (next != null) {
      next.cancel(false);
    }
  }
}
