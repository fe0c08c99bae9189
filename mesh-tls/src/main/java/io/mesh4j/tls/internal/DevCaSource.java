package io.mesh4j.tls.internal;

import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.SpiffeId;
import io.mesh4j.tls.TlsMaterial;
import io.mesh4j.tls.TrustBundle;
import io.mesh4j.tls.TrustBundleSet;
import io.mesh4j.tls.X509Svid;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code dev-ca} source: issues this workload's SVID from the embedded {@link DevCa} and
 * re-issues it at half-life (with a little jitter) on the client's scheduler.
 */
public final class DevCaSource extends MaterialPublisher {

  private static final Logger log = LoggerFactory.getLogger(DevCaSource.class);

  private final Path dir;
  private final SpiffeId id;
  private final Duration ttl;
  private final RenewalTimer timer;

  private DevCaSource(Path dir, SpiffeId id, Duration ttl, ScheduledExecutorService scheduler, MeshClock clock) {
    super(clock);
    this.dir = dir;
    this.id = id;
    this.ttl = ttl;
    this.timer = new RenewalTimer(scheduler, this::renew, name());
  }

  /** Creates (or loads) the CA, issues the first SVID and schedules its renewal. */
  public static DevCaSource start(
      Path dir, SpiffeId id, Duration ttl, ScheduledExecutorService scheduler, MeshClock clock) {
    if (!id.hasPath()) {
      throw new IllegalArgumentException("dev-ca: cannot issue an SVID for the bare trust domain ID " + id);
    }
    log.warn(
        "mesh4j TLS uses the embedded dev-ca in {}: it is for development on a single host only; "
            + "use mesh.tls.source=files or workload-api in production",
        dir.toAbsolutePath());
    DevCaSource s = new DevCaSource(dir, id, ttl, scheduler, clock);
    s.timer.scheduleAfter(s.issue());
    return s;
  }

  /** Issues and publishes a new SVID; returns when to renew it. */
  private Duration issue() {
    DevCa ca = DevCa.loadOrCreate(dir, Instant.ofEpochMilli(clock().wallMillis()));
    KeyPair kp = KeyPairs.newEcP256();
    // The lifetime starts at signing: creating the CA and the key can take a second on a cold JVM.
    Instant now = Instant.ofEpochMilli(clock().wallMillis());
    X509Certificate leaf = CertificateIssuer.svid(id, kp.getPublic(), ca.certificate(), ca.key(), now, ttl);
    ca.checkIssued(leaf);
    X509Svid svid = X509Svid.of(List.of(leaf), kp.getPrivate());
    publish(new TlsMaterial(svid, TrustBundleSet.of(TrustBundle.of(id.trustDomain(), List.of(ca.certificate())))));
    // Half of what is really left: certificate times have whole seconds (notAfter is truncated)
    // and the CA's own expiry may cut the lifetime short.
    long remainingMillis = leaf.getNotAfter().getTime() - clock().wallMillis();
    return RenewalTimer.halfLife(Duration.ofMillis(Math.max(remainingMillis, 0)));
  }

  /** Returns the delay to the next renewal. */
  private Duration renew() {
    try {
      return issue();
    } catch (RuntimeException e) {
      String msg = "dev-ca: renewing the SVID of " + id + " failed: " + e.getMessage();
      log.warn("{} (the current SVID stays in use until it expires)", msg, e);
      recordFailure(msg);
      return null; // back off
    }
  }

  @Override
  protected String name() {
    return "dev-ca source (" + id + ")";
  }

  @Override
  public void close() {
    timer.close();
  }
}
