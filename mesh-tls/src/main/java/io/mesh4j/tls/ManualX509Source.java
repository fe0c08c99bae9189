package io.mesh4j.tls;

import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.internal.MaterialPublisher;

/**
 * An {@link X509Source} whose value the application sets: for tests, and for SVIDs obtained some
 * way mesh4j does not know. Thread-safe.
 */
public final class ManualX509Source extends MaterialPublisher {

  private ManualX509Source(MeshClock clock) {
    super(clock);
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
    publish(new TlsMaterial(svid, bundles));
  }

  /** Records a renewal failure in {@link #status()} (for tests of monitoring). */
  public void reportFailure(String message) {
    recordFailure(message);
  }

  @Override
  protected String name() {
    return "manual source";
  }

  @Override
  public void close() {}
}
