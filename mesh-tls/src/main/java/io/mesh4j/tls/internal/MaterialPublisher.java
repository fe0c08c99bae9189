package io.mesh4j.tls.internal;

import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.SvidStatus;
import io.mesh4j.tls.TlsMaterial;
import io.mesh4j.tls.X509Source;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state every {@link X509Source} shares: the current value, listeners (replayed on add,
 * notified serially) and the counters behind {@link SvidStatus}.
 */
public abstract class MaterialPublisher implements X509Source {

  private static final Logger log = LoggerFactory.getLogger(MaterialPublisher.class);

  private final Object lock = new Object();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<SvidStatus>> statusListeners = new CopyOnWriteArrayList<>();
  private final AtomicLong rotations = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final MeshClock clock;
  private volatile TlsMaterial current;
  private volatile String lastFailure;

  protected MaterialPublisher(MeshClock clock) {
    this.clock = clock;
  }

  protected MeshClock clock() {
    return clock;
  }

  /** Publishes a new value (no-op when equal to the current one). */
  protected void publish(TlsMaterial material) {
    synchronized (lock) {
      TlsMaterial old = current;
      if (material.equals(old)) {
        return;
      }
      current = material;
      if (old != null && !old.svid().equals(material.svid())) {
        rotations.incrementAndGet();
      }
      if (old == null || !old.svid().equals(material.svid())) {
        log.info("{}: SVID {} in use ({} s to expiry)", name(), material.svid(), status().secondsToExpiry());
      }
      if (old != null && !old.bundles().equals(material.bundles())) {
        log.info("{}: trust bundles now {}", name(), material.bundles());
      }
      for (Listener l : listeners) {
        notify(l, material);
      }
      notifyStatus();
    }
  }

  /** Records a failed renewal or reload; the current value stays. */
  protected void recordFailure(String message) {
    failures.incrementAndGet();
    lastFailure = message;
    notifyStatus();
  }

  /** A name for log lines: {@code dev-ca source}. */
  protected abstract String name();

  @Override
  public TlsMaterial current() {
    TlsMaterial m = current;
    if (m == null) {
      throw new IllegalStateException(name() + " has no SVID yet");
    }
    return m;
  }

  @Override
  public void addListener(Listener listener) {
    synchronized (lock) {
      listeners.add(listener);
      if (current != null) {
        notify(listener, current);
      }
    }
  }

  @Override
  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  @Override
  public SvidStatus status() {
    TlsMaterial m = current();
    long toExpiry = (m.svid().leaf().getNotAfter().getTime() - clock.wallMillis()) / 1000;
    return new SvidStatus(
        m.svid().spiffeId(),
        m.svid().serialNumber().toString(16),
        m.svid().notAfter(),
        toExpiry,
        rotations.get(),
        failures.get(),
        Optional.ofNullable(lastFailure));
  }

  @Override
  public void addStatusListener(Consumer<SvidStatus> listener) {
    statusListeners.add(listener);
  }

  @Override
  public void removeStatusListener(Consumer<SvidStatus> listener) {
    statusListeners.remove(listener);
  }

  private void notifyStatus() {
    if (current == null || statusListeners.isEmpty()) {
      return;
    }
    SvidStatus s = status();
    for (Consumer<SvidStatus> l : statusListeners) {
      try {
        l.accept(s);
      } catch (RuntimeException e) {
        log.warn("{}: status listener {} failed", name(), l, e);
      }
    }
  }

  private void notify(Listener l, TlsMaterial m) {
    try {
      l.onUpdate(m);
    } catch (RuntimeException e) {
      log.warn("{}: listener {} failed", name(), l, e);
    }
  }
}
