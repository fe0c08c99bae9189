package io.mesh4j.tls;

import java.util.function.Consumer;

/**
 * Where a workload's SVID and trust bundles come from (dev CA, files, SPIFFE Workload API). A
 * source is ready when built: it always has a current value. It pushes each change to its
 * listeners and replays the current value to listeners added later. Closing stops its timers and
 * threads.
 */
public interface X509Source extends AutoCloseable {

  /** Receives each new {@link TlsMaterial}; called serially, must not block. */
  @FunctionalInterface
  interface Listener {
    void onUpdate(TlsMaterial material);
  }

  /** The current SVID and bundles. */
  TlsMaterial current();

  default X509Svid svid() {
    return current().svid();
  }

  default TrustBundleSet bundles() {
    return current().bundles();
  }

  /** Adds a listener and calls it at once with the current value. */
  void addListener(Listener listener);

  void removeListener(Listener listener);

  /** The SVID's state right now. */
  SvidStatus status();

  /** Called with a fresh {@link SvidStatus} after each rotation and each failure; not replayed. */
  void addStatusListener(Consumer<SvidStatus> listener);

  /**
   * Stops calling a listener added with {@link #addStatusListener}; unknown listeners are ignored.
   * The default does nothing (a source written before this method existed keeps calling it; the
   * mesh ignores its calls once closed): implement it to let listeners go.
   */
  default void removeStatusListener(Consumer<SvidStatus> listener) {}

  /** Stops timers and threads; idempotent. The last value stays readable. */
  @Override
  void close();
}
