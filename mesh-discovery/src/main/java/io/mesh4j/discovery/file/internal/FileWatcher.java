package io.mesh4j.discovery.file.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one file on a thread of its own every poll interval and reports a change of its content
 * once the new content has held still for the settle time. Contents are compared, not timestamps:
 * an atomic replace (rename), an in-place rewrite within the same second and a symbolic link swap
 * are all seen. Settling means a writer half-way through is not taken for a broken file; a file
 * that stays broken is reported after the settle time like any other change. A file rewritten more
 * often than the settle time is reported once it pauses.
 */
final class FileWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FileWatcher.class);

  private final Path file;
  private final long intervalNanos;
  private final long settleNanos;
  private final Consumer<FileContent> onChange;
  private final ScheduledThreadPoolExecutor thread;
  private final AtomicBoolean refreshQueued = new AtomicBoolean();

  // confined to the watch thread
  private FileContent seen; // the content last reported; null before the first report
  private FileContent settling; // changed content waiting to hold still
  private long settlingSince;

  /**
   * @param onChange runs on the watch thread, one change at a time, with each new content
   */
  FileWatcher(Path file, Duration interval, Duration settle, ThreadFactory threads, Consumer<FileContent> onChange) {
    this.file = file;
    this.intervalNanos = Math.max(1, interval.toNanos());
    this.settleNanos = settle.toNanos();
    this.onChange = onChange;
    this.thread = new ScheduledThreadPoolExecutor(1, threads);
    // close() lets a change being reported finish and drops the polls still to come
    this.thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.thread.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    this.thread.setRemoveOnCancelPolicy(true);
  }

  /** Starts polling: the first read happens at once, on the watch thread. */
  void start() {
    thread.scheduleWithFixedDelay(this::poll, 0, intervalNanos, TimeUnit.NANOSECONDS);
  }

  /** Reads the file now rather than at the next poll; returns at once. Requests made meanwhile are merged. */
  void refresh() {
    if (refreshQueued.compareAndSet(false, true)) {
      execute(() -> {
        refreshQueued.set(false);
        poll();
      });
    }
  }

  /** Runs a task on the watch thread (ordered with the changes it reports); dropped once closed. */
  void execute(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException closed) {
      // closed: nothing left to do
    }
  }

  private void poll() {
    try {
      FileContent now = FileContent.read(file);
      long at = System.nanoTime();
      if (now.equals(seen)) {
        settling = null; // changed and changed back: nothing happened
        return;
      }
      if (!now.equals(settling)) {
        settling = now;
        settlingSince = at;
        if (settleNanos > 0) {
          thread.schedule(this::poll, settleNanos, TimeUnit.NANOSECONDS);
          return;
        }
      }
      if (at - settlingSince < settleNanos) {
        return; // a look at settlingSince + settle is scheduled
      }
      seen = now;
      settling = null;
      onChange.accept(now);
    } catch (RejectedExecutionException closing) {
      // close() is under way
    } catch (RuntimeException e) {
      // never let it escape: the periodic poll would stop for good
      log.error("watching endpoints file {} failed; trying again at the next poll", file, e);
    }
  }

  /** Stops polling; waits for a change being reported to end. */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("the watch thread of endpoints file {} did not stop within 5s; interrupting it", file);
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
