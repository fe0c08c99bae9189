package io.mesh4j.tls.internal;

import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.tls.PeerIdentityException;
import io.mesh4j.tls.SpiffeId;
import io.mesh4j.tls.TrustBundleSet;
import io.mesh4j.tls.internal.LeafCertificates.Purpose;
import java.io.IOException;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import okhttp3.Connection;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Network interceptor for mesh routes: before each request is written, on new and pooled
 * connections alike, checks that the connection is TLS, that the server's SPIFFE ID is allowed for
 * the request's service, and, when the trust bundles changed since this connection was last
 * checked, that its chain still verifies (a removed root must not live on in pooled connections).
 * A failing connection's socket is closed so the pool drops it.
 */
public final class PeerIdentityInterceptor implements Interceptor {

  private final Function<String, SpiffeHostnameVerifier> verifiers;
  private final Predicate<String> secured;
  private final SpiffeTrustManager trustManager;
  private final Supplier<TrustBundleSet> bundles;
  /** Bundles each live session was last verified against; weak so closed sessions go away. */
  private final Map<SSLSession, TrustBundleSet> verifiedUnder = new WeakHashMap<>();

  public PeerIdentityInterceptor(
      Function<String, SpiffeHostnameVerifier> verifiers, SpiffeTrustManager trustManager, Supplier<TrustBundleSet> bundles) {
    this(verifiers, service -> true, trustManager, bundles);
  }

  /**
   * @param secured which services are called over mTLS; requests to the others (a service with
   *     {@code tls.mode=disabled}) pass unchecked
   */
  public PeerIdentityInterceptor(
      Function<String, SpiffeHostnameVerifier> verifiers, Predicate<String> secured,
      SpiffeTrustManager trustManager, Supplier<TrustBundleSet> bundles) {
    this.verifiers = verifiers;
    this.secured = secured;
    this.trustManager = trustManager;
    this.bundles = bundles;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    MeshAttempt attempt = chain.request().tag(MeshAttempt.class);
    Connection connection = chain.connection();
    if (attempt == null || connection == null || !secured.test(attempt.service())) {
      return chain.proceed(chain.request());
    }
    SpiffeHostnameVerifier verifier = verifiers.apply(attempt.service());
    String endpoint = attempt.endpoint().authority();
    Socket socket = connection.socket();
    if (!(socket instanceof SSLSocket)) {
      throw reject(socket, new PeerIdentityException(
          attempt.service(), endpoint, verifier.allowed(), null, "the connection is not TLS"));
    }
    SSLSession session = ((SSLSocket) socket).getSession();
    X509Certificate[] chainCerts = peerChain(session, attempt.service(), endpoint, verifier, socket);
    TrustBundleSet current = bundles.get();
    SpiffeId actual;
    try {
      actual = LeafCertificates.spiffeIdOf(chainCerts[0]);
    } catch (IllegalArgumentException e) {
      throw reject(socket, new PeerIdentityException(attempt.service(), endpoint, verifier.allowed(), null, e.getMessage()));
    }
    boolean reverify;
    synchronized (verifiedUnder) {
      reverify = verifiedUnder.get(session) != current;
    }
    if (reverify) {
      try {
        trustManager.verify(chainCerts, Purpose.SERVER, session.getCreationTime());
      } catch (CertificateException e) {
        throw reject(socket, new PeerIdentityException(
            attempt.service(), endpoint, verifier.allowed(), actual, "no longer trusted: " + e.getMessage()));
      }
      synchronized (verifiedUnder) {
        verifiedUnder.put(session, current);
      }
    }
    if (!verifier.allowed().contains(actual)) {
      throw reject(socket, new PeerIdentityException(attempt.service(), endpoint, verifier.allowed(), actual, null));
    }
    return chain.proceed(chain.request());
  }

  private static X509Certificate[] peerChain(
      SSLSession session, String service, String endpoint, SpiffeHostnameVerifier v, Socket socket)
      throws PeerIdentityException {
    try {
      Certificate[] certs = session.getPeerCertificates();
      X509Certificate[] out = new X509Certificate[certs.length];
      for (int i = 0; i < certs.length; i++) {
        out[i] = (X509Certificate) certs[i];
      }
      if (out.length == 0) {
        throw new SSLPeerUnverifiedException("no peer certificate");
      }
      return out;
    } catch (SSLPeerUnverifiedException | ClassCastException e) {
      throw reject(socket, new PeerIdentityException(service, endpoint, v.allowed(), null, e.getMessage()));
    }
  }

  private static PeerIdentityException reject(Socket socket, PeerIdentityException e) {
    try {
      socket.close(); // the pool sees a closed socket and never hands this connection out again
    } catch (IOException ignored) {
      // closing is best effort; the request fails either way
    }
    return e;
  }
}
