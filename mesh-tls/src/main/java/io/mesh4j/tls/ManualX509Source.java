package io.mesh4j.tls;

import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.internal.MaterialPublisher;
import java.util.function.Consumer;

/**
 * An {@link X509Source} whose value the application sets: for tests, and for SVIDs obtained some
 * way mesh4j does not know. Thread-safe.
 */
public final class ManualX509Source implements X509Source {

  /** The shared listener and status machinery; kept private so its methods are not API. */
  private static final class Publisher extends MaterialPublisher {
    Publisher(MeshClock clock) {
      super(clock);
    }

    void set(TlsMaterial m) {
      publish(m);
    }

    void failed(String message) {
      recordFailure(message);
    }

    @Override
    protected String name() {
      return "manual source";
    }

    @Override
    public void close() {}
  }

  private final Publisher publisher;

  private ManualX509Source(MeshClock clock) {
    this.publisher = new Publisher(clock);
  }

  public static ManualX509Source of(X509Svid svid, TrustBundleSet bundles) {
    return of(svid, bundles, MeshClock.SYSTEM);
  }

  public static ManualX509Source of(X509Svid svid, TrustBundleSet bundles, MeshClock clock) {
    ManualX509Source s = new ManualX509Source(clock);
    s.update(svid, bundles);
    return s;
  }

  /** Replaces the SVID and bundles; listeners hear of it before this returns. */
  public void update(X509Svid svid, TrustBundleSet bundles) {
    publisher.set(new TlsMaterial(svid, bundles));
  }

  /** Records a renewal failure in {@link #status()} (for tests of monitoring). */
  public void reportFailure(String message) {
    publisher.failed(message);
  }

  @Override
  public TlsMaterial current() {
    return publisher.current();
  }

  @Override
  public void addListener(Listener listener) {
    publisher.addListener(listener);
  }

  @Override
  public void removeListener(Listener listener) {
    publisher.removeListener(listener);
  }

  @Override
  public SvidStatus status() {
    return publisher.status();
  }

  @Override
  public void addStatusListener(Consumer<SvidStatus> listener) {
    publisher.addStatusListener(listener);
  }

  @Override
  public void removeStatusListener(Consumer<SvidStatus> listener) {
    publisher.removeStatusListener(listener);
  }

  /** Nothing to stop; the value stays readable. */
  @Override
  public void close() {}
}
