package io.mesh4j.benchmarks.sidebyside;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Offers load to one variant for a while and records what came back.
 *
 * <p>Closed loop: {@code threads} workers send back to back; latency is each call's own time.
 *
 * <p>Open loop: request {@code i} is due at {@code start + i / rate}, whatever happened before.
 * A pool of {@value #OPEN_WORKERS} workers takes the next index from a counter and parks until it
 * is due, so one slow response does not hold the schedule back; latency is counted from the
 * intended start (coordinated-omission correction), so time a request spent waiting for a free
 * worker, or behind a stalled one, is in its latency. Parking wakes a few tens of microseconds
 * late on Linux: that lateness is in every variant's latency alike and cancels in the added
 * figures. When the variant cannot keep up, requests due more than {@value #BACKLOG_SECONDS} s
 * after the schedule's end are not sent but counted ({@link Result#notSent}).
 */
final class LoadRunner {

  static final int OPEN_WORKERS = 64;
  static final int BACKLOG_SECONDS = 2;
  private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(120);

  private LoadRunner() {}

  /**
   * What one run gave: successes, failures, wall time, latency of the successes in nanoseconds,
   * and the bytes the load threads themselves allocated (-1 when not measured): they end with the
   * run, before anyone else could read their counters.
   */
  record Result(
      long ok, long errors, long notSent, long elapsedNanos, Histogram latency, String firstError,
      long workerAllocatedBytes) {
    long attempts() {
      return ok + errors;
    }
  }

  static Result run(Variant.Call call, LoadMode mode, int closedThreads, double seconds) throws InterruptedException {
    long durationNanos = (long) (seconds * 1e9);
    return mode.isOpen()
        ? open(call, mode.ratePerSecond(), durationNanos)
        : closed(call, closedThreads, durationNanos);
  }

  private static Result closed(Variant.Call call, int threads, long durationNanos) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + durationNanos;
    Shared shared = new Shared();
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(new Worker("closed-" + t, shared, w -> {
        for (long now = System.nanoTime(); now < end; ) {
          long before = now;
          now = w.send(call, before);
        }
      }));
    }
    return shared.finish(workers, start, 0);
  }

  private static Result open(Variant.Call call, int rate, long durationNanos) throws InterruptedException {
    long total = Math.max(1, durationNanos * rate / 1_000_000_000L);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
    long giveUp = start + durationNanos + TimeUnit.SECONDS.toNanos(BACKLOG_SECONDS);
    AtomicLong next = new AtomicLong();
    AtomicLong notSent = new AtomicLong();
    Shared shared = new Shared();
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < OPEN_WORKERS; t++) {
      workers.add(new Worker("open-" + t, shared, w -> {
        for (long i; (i = next.getAndIncrement()) < total; ) {
          long intended = start + i * 1_000_000_000L / rate;
          long now;
          while ((now = System.nanoTime()) < intended) {
            LockSupport.parkNanos(intended - now);
          }
          if (now > giveUp) {
            notSent.incrementAndGet();
            continue;
          }
          w.send(call, intended);
        }
      }));
    }
    Result r = shared.finish(workers, start, 0);
    return new Result(r.ok(), r.errors(), notSent.get(), r.elapsedNanos(), r.latency(), r.firstError(),
        r.workerAllocatedBytes());
  }

  /** What the workers of one run share: the first error seen. */
  private static final class Shared {
    final AtomicReference<String> firstError = new AtomicReference<>();

    Result finish(List<Worker> workers, long start, long notSent) throws InterruptedException {
      for (Worker w : workers) {
        w.thread.start();
      }
      Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
      long ok = 0;
      long errors = 0;
      long allocated = 0;
      for (Worker w : workers) {
        w.thread.join();
        latency.add(w.latency);
        ok += w.ok;
        errors += w.errors;
        allocated = allocated < 0 || w.allocatedBytes < 0 ? -1 : allocated + w.allocatedBytes;
      }
      return new Result(ok, errors, notSent, System.nanoTime() - start, latency, firstError.get(), allocated);
    }
  }

  /** A load thread with its own histogram and counters (merged after it ended: no sharing while timed). */
  private static final class Worker {
    final Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
    final Thread thread;
    final Shared shared;
    long ok;
    long errors;
    long allocatedBytes = -1;

    interface Body {
      void run(Worker w);
    }

    Worker(String name, Shared shared, Body body) {
      this.shared = shared;
      this.thread = new Thread(() -> {
        long before = JvmMeters.currentThreadAllocatedBytes();
        body.run(this);
        long after = JvmMeters.currentThreadAllocatedBytes();
        allocatedBytes = before < 0 || after < 0 ? -1 : after - before;
      }, "side-by-side-" + name);
      thread.setDaemon(true);
    }

    /** Sends one request; records its latency from {@code since}; returns the time it ended. */
    long send(Variant.Call call, long since) {
      try {
        call.run();
        long done = System.nanoTime();
        latency.recordValue(Math.min(MAX_LATENCY_NANOS, Math.max(0, done - since)));
        ok++;
        return done;
      } catch (Exception e) {
        errors++;
        shared.firstError.compareAndSet(null, e.toString());
        return System.nanoTime();
      }
    }
  }
}
