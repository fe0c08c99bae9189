package io.mesh4j.tls.internal;

import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.TlsMaterial;
import io.mesh4j.tls.X509Source;
import io.mesh4j.tls.X509Svid;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presents the source's current SVID on every handshake. The alias names the SVID's version
 * ({@code mesh4j-svid-7}); the JDK first chooses an alias, then asks for its chain and its key, so
 * a rotation between those calls still hands out a matching pair (the previous version is kept
 * for that). An SVID outside its validity is never presented: the handshake goes on without a
 * certificate and fails at the peer, with an error logged here.
 */
public final class RotatingKeyManager extends X509ExtendedKeyManager implements X509Source.Listener {

  private static final Logger log = LoggerFactory.getLogger(RotatingKeyManager.class);
  private static final String PREFIX = "mesh4j-svid-";

  private record Slot(long version, X509Svid svid) {
    String alias() {
      return PREFIX + version;
    }
  }

  private final MeshClock clock;
  private final AtomicLong versions = new AtomicLong();
  private final AtomicLong lastExpiredLog = new AtomicLong(Long.MIN_VALUE);
  private volatile Slot current;
  private volatile Slot previous;

  public RotatingKeyManager(MeshClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void onUpdate(TlsMaterial material) {
    Slot c = current;
    if (c != null && c.svid().equals(material.svid())) {
      return;
    }
    previous = c;
    current = new Slot(versions.incrementAndGet(), material.svid());
  }

  /** The SVID handshakes present from now on; null before the first update. */
  public X509Svid presented() {
    Slot s = current;
    return s == null ? null : s.svid();
  }

  private String alias(String... keyTypes) {
    Slot s = current;
    if (s == null) {
      return null;
    }
    long now = clock.wallMillis();
    if (!s.svid().isValidAt(now)) {
      long nanos = clock.nanoTime();
      long last = lastExpiredLog.get();
      if (last == Long.MIN_VALUE || nanos - last > 10_000_000_000L) {
        lastExpiredLog.set(nanos);
        log.error("not presenting SVID {}: it is not valid now; renewal has failed", s.svid());
      }
      return null;
    }
    String alg = s.svid().privateKey().getAlgorithm();
    if (keyTypes != null && keyTypes.length > 0) {
      boolean ok = false;
      for (String t : keyTypes) {
        ok |= alg.equals(t);
      }
      if (!ok) {
        return null;
      }
    }
    return s.alias();
  }

  private Slot slot(String alias) {
    Slot c = current;
    if (c != null && c.alias().equals(alias)) {
      return c;
    }
    Slot p = previous;
    return p != null && p.alias().equals(alias) ? p : null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return alias(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return alias(keyTypes);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    String a = alias(keyType);
    return a == null ? null : new String[] {a};
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Slot s = slot(alias);
    return s == null ? null : s.svid().chain().toArray(new X509Certificate[0]);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Slot s = slot(alias);
    return s == null ? null : s.svid().privateKey();
  }
}
