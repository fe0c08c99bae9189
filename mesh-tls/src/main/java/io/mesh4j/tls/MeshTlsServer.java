package io.mesh4j.tls;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import io.mesh4j.tls.internal.LeafCertificates.Purpose;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The server side of mesh mTLS: a rotating {@link SSLContext} that presents this workload's SVID
 * and requires a client SVID, for the JDK's {@code HttpsServer} ({@link #httpsConfigurator()}),
 * Jetty ({@code SslContextFactory.Server#setSslContext} plus {@code setNeedClientAuth(true)}) or
 * Netty ({@code new JdkSslContext(sslContext(), false, ClientAuth.REQUIRE)}), and the caller check.
 *
 * <p>In {@link TlsMode#PERMISSIVE} the TLS listener is the same; accepting plaintext means the
 * application also runs a plain listener (see docs/tls.md).
 */
public final class MeshTlsServer {

  private final MeshTls tls;
  private final CallerPolicy policy;

  private MeshTlsServer(MeshTls tls, CallerPolicy policy) {
    this.tls = tls;
    this.policy = policy;
  }

  /** A server over {@code tls} that accepts the callers {@code policy} allows. */
  public static MeshTlsServer create(MeshTls tls, CallerPolicy policy) {
    return new MeshTlsServer(Objects.requireNonNull(tls, "tls"), Objects.requireNonNull(policy, "policy"));
  }

  /** The server context; the same object for the server's life, rotating inside. */
  public SSLContext sslContext() {
    return tls.serverContext();
  }

  /** Protocols, cipher suites and need-client-auth, for servers configured with parameters. */
  public SSLParameters sslParameters() {
    return tls.serverContext().getDefaultSSLParameters();
  }

  /** For {@code HttpsServer#setHttpsConfigurator}: mesh protocols and a required client SVID. */
  public HttpsConfigurator httpsConfigurator() {
    return new HttpsConfigurator(sslContext()) {
      @Override
      public void configure(HttpsParameters params) {
        params.setSSLParameters(sslParameters());
      }
    };
  }

  public CallerPolicy policy() {
    return policy;
  }

  /**
   * The caller's SPIFFE ID if the policy allows it. The caller's chain must verify against the
   * current bundles at the time of this request (not of the handshake: a session may be kept alive
   * or resumed long after it, and SPIFFE relies on short lifetimes rather than revocation). The
   * full verification runs once per session and bundle set; later requests of the session only
   * compare the time with the chain's validity, kept in the session.
   *
   * @throws SSLPeerUnverifiedException (plain) when the caller's chain does not verify now, e.g.
   *     its root left the bundles or a certificate expired: {@code caller at host:port no longer
   *     verifies: ...}
   * @throws PeerIdentityException ({@link PeerIdentityException#forCaller}) when the policy does not
   *     allow the caller, naming the caller's ID and address and the policy
   */
  public SpiffeId authorize(SSLSession session) throws SSLPeerUnverifiedException {
    TrustBundleSet bundles = tls.source().current().bundles();
    long now = tls.clock().wallMillis();
    if (!(session.getValue(VERIFIED) instanceof Verified v && v.holds(bundles, now))) {
      X509Certificate[] chain =
          Arrays.stream(session.getPeerCertificates()).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
      try {
        tls.spiffeTrustManager().verify(chain, Purpose.CLIENT, now);
      } catch (CertificateException e) {
        throw new SSLPeerUnverifiedException("caller at " + session.getPeerHost() + ":" + session.getPeerPort()
            + " no longer verifies: " + e.getMessage());
      }
      session.putValue(VERIFIED, Verified.of(bundles, chain));
    }
    return policy.check(session);
  }

  /** Session value: the bundle set the caller's chain verified against, and when that holds. */
  private static final String VERIFIED = "io.mesh4j.tls.verified";

  /** A chain verified against {@code bundles} stays valid from its latest notBefore to its earliest notAfter. */
  private record Verified(TrustBundleSet bundles, long notBefore, long notAfter) {
    static Verified of(TrustBundleSet bundles, X509Certificate[] chain) {
      long from = Long.MIN_VALUE;
      long to = Long.MAX_VALUE;
      for (X509Certificate c : chain) {
        from = Math.max(from, c.getNotBefore().getTime());
        to = Math.min(to, c.getNotAfter().getTime());
      }
      return new Verified(bundles, from, to);
    }

    boolean holds(TrustBundleSet current, long now) {
      return (bundles == current || bundles.equals(current)) && now >= notBefore && now <= notAfter;
    }
  }
}
