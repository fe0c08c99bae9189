package io.mesh4j.tls.internal;

import io.mesh4j.tls.TrustBundleSet;
import io.mesh4j.tls.X509Svid;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One inner JDK {@link SSLContext} and the material its TLS sessions were made with. A resumed
 * session carries the certificates of its first handshake, so sessions must not outlive that
 * material: the client session cache and the server's session-ticket keys belong to one
 * generation, and a new generation (new SVID, new bundles) cannot resume anything made in an
 * older one. A generation also retires at the earliest {@code notAfter} of its own chain and of
 * every peer chain verified in it, so no session is resumed past a certificate it carries.
 */
final class TlsGeneration {

  private final SSLContext context;
  private final X509Svid svid;
  private final TrustBundleSet bundles;
  /** Epoch millis from which no session of this generation may be used. */
  private final AtomicLong retireAt;

  /**
   * @param svid the SVID the key manager presents now; its expiry counts only while it is valid
   *     (the key manager presents no expired SVID, so no session here can carry one)
   * @param previous the generation this one replaces, whose session settings it keeps; or null
   */
  TlsGeneration(KeyManager km, X509ExtendedTrustManager tm, X509Svid svid, TrustBundleSet bundles, long nowMillis,
      TlsGeneration previous) {
    this.svid = svid;
    this.bundles = bundles;
    long own = svid == null ? Long.MAX_VALUE : earliestNotAfter(svid.chain());
    this.retireAt = new AtomicLong(own > nowMillis ? own : Long.MAX_VALUE);
    try {
      context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {km}, new TrustManager[] {new ExpiryRecorder(tm)}, null);
    } catch (NoSuchAlgorithmException | KeyManagementException e) {
      throw new IllegalStateException("cannot create a TLS context", e);
    }
    if (previous != null) {
      copySettings(previous.context.getClientSessionContext(), context.getClientSessionContext());
      copySettings(previous.context.getServerSessionContext(), context.getServerSessionContext());
    }
  }

  SSLContext context() {
    return context;
  }

  /** True while sessions made here may still be used with the current material at {@code nowMillis}. */
  boolean serves(X509Svid currentSvid, TrustBundleSet currentBundles, long nowMillis) {
    return svid == currentSvid
        && (bundles == currentBundles || bundles.equals(currentBundles))
        && nowMillis < retireAt.get();
  }

  /** Why this generation does not serve the given material (for the log). */
  String whyNot(X509Svid currentSvid, TrustBundleSet currentBundles) {
    if (svid != currentSvid) {
      return "the SVID changed";
    }
    if (!bundles.equals(currentBundles)) {
      return "the trust bundles changed";
    }
    return "a certificate of its sessions expired at " + Instant.ofEpochMilli(retireAt.get());
  }

  static long earliestNotAfter(List<X509Certificate> chain) {
    long min = Long.MAX_VALUE;
    for (X509Certificate c : chain) {
      min = Math.min(min, c.getNotAfter().getTime());
    }
    return min;
  }

  private static void copySettings(SSLSessionContext from, SSLSessionContext to) {
    to.setSessionTimeout(from.getSessionTimeout());
    to.setSessionCacheSize(from.getSessionCacheSize());
  }

  /** The mesh trust manager, noting when each chain it accepts expires (full handshakes only). */
  private final class ExpiryRecorder extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager d;

    ExpiryRecorder(X509ExtendedTrustManager delegate) {
      this.d = delegate;
    }

    private void accepted(X509Certificate[] chain) {
      retireAt.accumulateAndGet(earliestNotAfter(List.of(chain)), Math::min);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      d.checkClientTrusted(chain, authType);
      accepted(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      d.checkServerTrusted(chain, authType);
      accepted(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      d.checkClientTrusted(chain, authType, socket);
      accepted(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      d.checkServerTrusted(chain, authType, socket);
      accepted(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      d.checkClientTrusted(chain, authType, engine);
      accepted(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      d.checkServerTrusted(chain, authType, engine);
      accepted(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return d.getAcceptedIssuers();
    }
  }
}
