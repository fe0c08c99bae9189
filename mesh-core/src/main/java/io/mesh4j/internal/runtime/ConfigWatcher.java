package io.mesh4j.internal.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a client's properties files on a thread of its own and asks for a reload when their
 * content changes. It compares contents, not timestamps, so an atomic rename, an in-place rewrite
 * within the same second and a Kubernetes ConfigMap's symlink swap are all seen; a change is
 * reloaded once the content has held still for {@value #SETTLE_MILLIS} ms, so a file read half
 * written is not reported as broken when its writer is only slow.
 */
public final class ConfigWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
  static final long SETTLE_MILLIS = 100;

  private final List<Path> files;
  private final Runnable reload;
  private final ScheduledThreadPoolExecutor thread;
  private Map<Path, Optional<ByteBuffer>> seen; // confined to the watch thread
  private Map<Path, Optional<ByteBuffer>> settling; // changed content waiting to hold still

  private ConfigWatcher(List<Path> files, Map<Path, Optional<ByteBuffer>> initial, Runnable reload, ThreadFactory threads) {
    this.files = List.copyOf(files);
    this.seen = initial;
    this.reload = reload;
    this.thread = new ScheduledThreadPoolExecutor(1, threads);
    // close() lets a reload under way finish (never interrupted half-applied) and drops the rest
    this.thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.thread.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
  }

  /** The files' contents now (empty for a file that cannot be read), to compare later ones with. */
  public static Map<Path, Optional<ByteBuffer>> read(List<Path> files) {
    Map<Path, Optional<ByteBuffer>> out = new HashMap<>();
    for (Path file : files) {
      try {
        out.put(file, Optional.of(ByteBuffer.wrap(Files.readAllBytes(file))));
      } catch (IOException | RuntimeException e) {
        out.put(file, Optional.empty());
      }
    }
    return out;
  }

  /**
   * Starts watching.
   *
   * @param initial the contents the running configuration was loaded from ({@link #read} before loading)
   * @param reload what to run on a change; runs on the watch thread, one at a time
   */
  public static ConfigWatcher start(
      List<Path> files, Map<Path, Optional<ByteBuffer>> initial, Duration interval, ThreadFactory threads,
      Runnable reload) {
    ConfigWatcher watcher = new ConfigWatcher(files, initial, reload, threads);
    long millis = Math.max(1, interval.toMillis());
    watcher.thread.scheduleWithFixedDelay(watcher::poll, millis, millis, TimeUnit.MILLISECONDS);
    log.debug("watching {} for changes every {}ms", files, millis);
    return watcher;
  }

  private void poll() {
    try {
      Map<Path, Optional<ByteBuffer>> now = read(files);
      if (now.equals(seen)) {
        settling = null;
        return;
      }
      if (!now.equals(settling)) {
        settling = now; // changed since the last look: let it hold still first
        thread.schedule(this::poll, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
        return;
      }
      seen = now;
      settling = null;
      reload.run();
    } catch (RejectedExecutionException closing) {
      // close() is under way
    } catch (RuntimeException e) {
      log.error("mesh4j config watch of {} failed; the running configuration is kept", files, e);
    }
  }

  /** Stops watching; waits for a reload under way to end. */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("mesh4j config watch thread did not stop within 10s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
