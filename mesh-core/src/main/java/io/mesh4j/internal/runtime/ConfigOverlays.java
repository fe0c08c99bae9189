package io.mesh4j.internal.runtime;

import io.mesh4j.config.ConfigOverlay;
import io.mesh4j.config.MeshConfigException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the configuration overlays' changes one at a time on a thread of their own: never on
 * the caller's (a discovery backend, maybe inside a discovery callback, while the route it
 * answers waits), serialized with reloads and close() by the {@link ConfigApplier}'s and the
 * runtime's locks. The thread ends when idle; close() stops it and fails what is still queued.
 */
final class ConfigOverlays implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("io.mesh4j.config");

  private final MeshRuntime runtime;
  private final ThreadPoolExecutor executor;
  private volatile Thread applying; // the overlay thread while it applies: close() from there must not wait for itself
  private final MeshThreadFactory threads;

  ConfigOverlays(MeshRuntime runtime) {
    this.runtime = runtime;
    this.threads = runtime.threadFactory("config-overlay");
    this.executor = new ThreadPoolExecutor(1, 1, 2, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
    this.executor.allowCoreThreadTimeOut(true);
  }

  /** The overlay of the discovery backend of provider {@code name}. */
  ConfigOverlay overlay(String name) {
    return new Named(name);
  }

  private CompletableFuture<Void> set(String name, Map<String, String> properties) {
    String from = ConfigApplier.OVERLAY_PREFIX + name;
    if (properties == null) {
      return CompletableFuture.failedFuture(new MeshConfigException(List.of(
          new io.mesh4j.config.ConfigProblem(null, null, from, "the properties are null"))));
    }
    for (Map.Entry<String, String> e : properties.entrySet()) { // Map.copyOf would throw here, on the caller's thread
      if (e.getKey() == null || e.getValue() == null) {
        return CompletableFuture.failedFuture(new MeshConfigException(List.of(new io.mesh4j.config.ConfigProblem(
            e.getKey(), null, from, e.getKey() == null ? "a key is null" : "the value is null"))));
      }
    }
    Map<String, String> copy = Map.copyOf(properties);
    Change change = new Change(name, copy);
    if (runtime.refusesCalls()) {
      change.refuse();
      return change.done;
    }
    try {
      executor.execute(change);
    } catch (RejectedExecutionException closed) {
      change.refuse();
    }
    return change.done;
  }

  /** Stops the thread; changes still queued complete with MeshClosedException. */
  @Override
  public void close() {
    List<Runnable> queued = executor.shutdownNow();
    for (Runnable r : queued) {
      ((Change) r).refuse();
    }
    if (Thread.currentThread() == applying) {
      return;
    }
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("mesh4j configuration overlay thread did not stop within 5s");
      } else {
        threads.awaitExit(1_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Change implements Runnable {
    private final String name;
    private final Map<String, String> properties;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    Change(String name, Map<String, String> properties) {
      this.name = name;
      this.properties = properties;
    }

    @Override
    public void run() {
      if (runtime.refusesCalls()) {
        refuse();
        return;
      }
      applying = Thread.currentThread();
      try {
        runtime.configApplier().applyOverlay(name, properties);
        done.complete(null);
      } catch (MeshConfigException e) {
        done.completeExceptionally(e); // logged and published by the applier
      } catch (IllegalStateException e) {
        if (runtime.refusesCalls()) {
          refuse(); // closed or shutting down meanwhile
        } else { // not a closed client: a rejection, reported (ERROR, ConfigRejected) as one
          done.completeExceptionally(runtime.configApplier().rejected(ConfigApplier.OVERLAY_PREFIX + name,
              List.of(new io.mesh4j.config.ConfigProblem(null, null, ConfigApplier.OVERLAY_PREFIX + name,
                  "the change could not be applied: " + e))));
        }
      } catch (RuntimeException | Error e) {
        log.error("mesh4j configuration change from {}{} failed", ConfigApplier.OVERLAY_PREFIX, name, e);
        done.completeExceptionally(e);
      } finally {
        applying = null;
      }
    }

    void refuse() {
      done.completeExceptionally(io.mesh4j.MeshClosedException.overlayRefused(
          runtime.config().service(), runtime.isClosed(), ConfigApplier.OVERLAY_PREFIX + name));
    }
  }

  private final class Named implements ConfigOverlay {
    private final String name;

    Named(String name) {
      this.name = name;
    }

    @Override
    public String source() {
      return ConfigApplier.OVERLAY_PREFIX + name;
    }

    @Override
    public CompletableFuture<Void> set(Map<String, String> properties) {
      return ConfigOverlays.this.set(name, properties);
    }

    @Override
    public String toString() {
      return source();
    }
  }
}
