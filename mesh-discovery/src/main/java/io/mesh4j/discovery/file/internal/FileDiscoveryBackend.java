package io.mesh4j.discovery.file.internal;

import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file provider's backend in one client: one watcher of the endpoints file, whose thread
 * parses each new content once and hands the result to every watched service, in order.
 */
public final class FileDiscoveryBackend implements DiscoveryBackend {

  /** How long a changed content must hold still before it is read as the file's new state. */
  public static final Duration SETTLE = Duration.ofMillis(100);

  private static final Logger log = LoggerFactory.getLogger(FileDiscoveryBackend.class);

  private final Path file;
  private final FileWatcher watcher;
  private final Set<ServiceWatch> watches = ConcurrentHashMap.newKeySet();
  private FileState state; // confined to the watch thread; null until the file was first read
  private boolean everValid; // confined to the watch thread

  private FileDiscoveryBackend(Path file, Duration interval, Duration settle, ThreadFactory threads) {
    this.file = file;
    this.watcher = new FileWatcher(file, interval, settle, threads, this::changed);
  }

  /** Starts watching {@code file}; returns at once (the first read happens on the watch thread). */
  public static FileDiscoveryBackend open(Path file, Duration interval, ThreadFactory threads) {
    return open(file, interval, SETTLE, threads);
  }

  static FileDiscoveryBackend open(Path file, Duration interval, Duration settle, ThreadFactory threads) {
    FileDiscoveryBackend backend = new FileDiscoveryBackend(file, interval, settle, threads);
    backend.watcher.start();
    log.debug("watching endpoints file {} every {}", file, interval);
    return backend;
  }

  @Override
  public Discovery watch(DiscoveryContext context) {
    ServiceWatch watch = new ServiceWatch(context.serviceName(), file, context.listener(), this);
    watches.add(watch);
    // on the watch thread, so that it cannot overtake (or be overtaken by) a change being handed out
    watcher.execute(() -> {
      if (state != null) {
        deliver(watch, state);
      }
    });
    return watch;
  }

  void refresh() {
    watcher.refresh();
  }

  void unwatch(ServiceWatch watch) {
    watches.remove(watch);
  }

  /** A new content of the file, on the watch thread. */
  private void changed(FileContent content) {
    FileState previous = state;
    FileState next = FileState.of(file, content);
    state = next;
    if (next instanceof FileState.Broken broken) {
      // once per change of the file, not per poll nor per service
      log.warn("{}; {}", broken.error().getMessage(),
          everValid ? "keeping the endpoints it last listed" : "no endpoints until it is fixed");
    } else {
      if (previous instanceof FileState.Broken) {
        log.info("endpoints file {} is usable again: {} services", file, ((FileState.Listing) next).services().size());
      } else {
        log.debug("endpoints file {} changed: {}", file, next);
      }
      everValid = true;
    }
    for (ServiceWatch watch : watches) {
      deliver(watch, next);
    }
  }

  private static void deliver(ServiceWatch watch, FileState state) {
    try {
      watch.deliver(state);
    } catch (RuntimeException e) {
      // one failing listener must not keep the others from hearing of the change
      log.error("delivering endpoints file state to {} failed", watch, e);
    }
  }

  /** Stops the watch thread; once this returns no listener hears anything more. */
  @Override
  public void close() {
    watcher.close();
    watches.clear();
  }
}
