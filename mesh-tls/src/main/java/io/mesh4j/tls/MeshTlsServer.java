package io.mesh4j.tls;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import io.mesh4j.tls.internal.LeafCertificates.Purpose;
import java.security.cert.Certificate;
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
   * The caller's SPIFFE ID if the policy allows it. The caller's chain is re-verified against the
   * current bundles (at the handshake's time) once per session and bundle set: the result is kept
   * in the session until the bundles change, so a session from before a root was removed is
   * refused, and a kept-alive connection is not re-verified on every request.
   *
   * @throws SSLPeerUnverifiedException (plain) when the caller's chain no longer verifies against the
   *     current bundles: {@code caller at host:port no longer verifies: ...}
   * @throws PeerIdentityException ({@link PeerIdentityException#forCaller}) when the policy does not
   *     allow the caller, naming the caller's ID and address and the policy
   */
  public SpiffeId authorize(SSLSession session) throws SSLPeerUnverifiedException {
    // A chain verification costs tens of microseconds: do it once per session and bundle set,
    // not on every request of a kept-alive connection.
    TrustBundleSet bundles = tls.source().current().bundles();
    if (!bundles.equals(session.getValue(VERIFIED_AGAINST))) {
      Certificate[] certs = session.getPeerCertificates();
      X509Certificate[] chain =
          Arrays.stream(certs).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
      try {
        // At the handshake's time: a root that left the bundle fails, a later expiry does not.
        tls.spiffeTrustManager().verify(chain, Purpose.CLIENT, session.getCreationTime());
      } catch (CertificateException e) {
        throw new SSLPeerUnverifiedException("caller at " + session.getPeerHost() + ":" + session.getPeerPort()
            + " no longer verifies: " + e.getMessage());
      }
      session.putValue(VERIFIED_AGAINST, bundles);
    }
    return policy.check(session);
  }

  /** Session value: the bundle set the caller's chain last verified against. */
  private static final String VERIFIED_AGAINST = "io.mesh4j.tls.verified-against";
}
