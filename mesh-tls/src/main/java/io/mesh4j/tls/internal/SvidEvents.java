package io.mesh4j.tls.internal;

import io.mesh4j.event.MeshEvents;
import io.mesh4j.event.SvidStatusChanged;
import io.mesh4j.tls.SvidStatus;
import io.mesh4j.tls.X509Source;
import java.util.function.Consumer;

/**
 * Publishes the source's SVID state as {@link SvidStatusChanged} on the client's event bus: once
 * when started, then after each rotation and each failed renewal, until closed. Each publication
 * reads the source's state at that moment (under one lock), so notifications that race (a renewal
 * failure beside a rotation) never leave an older state as the retained event.
 */
public final class SvidEvents implements Consumer<SvidStatus>, AutoCloseable {

  private final X509Source source;
  private final MeshEvents events;
  private SvidStatusChanged last; // guarded by this
  private boolean closed; // guarded by this

  private SvidEvents(X509Source source, MeshEvents events) {
    this.source = source;
    this.events = events;
  }

  /** Publishes the current state and follows the source's status changes. */
  public static SvidEvents start(X509Source source, MeshEvents events) {
    SvidEvents e = new SvidEvents(source, events);
    source.addStatusListener(e);
    e.publishCurrent();
    return e;
  }

  /** A status notification from the source; the state published is read afresh. */
  @Override
  public void accept(SvidStatus ignored) {
    publishCurrent();
  }

  private synchronized void publishCurrent() {
    if (closed) {
      return;
    }
    SvidStatusChanged event = of(source.status());
    if (event.equals(last)) {
      return; // two notifications, one state: publish it once
    }
    last = event;
    events.publish(event);
  }

  static SvidStatusChanged of(SvidStatus s) {
    return new SvidStatusChanged(
        s.spiffeId().toString(), s.serialHex(), s.notAfter(), s.rotations(), s.renewalFailures(),
        s.lastFailure().orElse(null));
  }

  /** Stops following the source; nothing is published after this returns. */
  @Override
  public synchronized void close() {
    closed = true;
    source.removeStatusListener(this);
  }
}
