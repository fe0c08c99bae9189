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
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import okhttp3.Connection;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Network interceptor for mesh routes: before each request is written, on new and pooled
 * connections alike, checks that an attempt the mesh sent as TLS (its URL is {@code https}, which
 * the mesh chose from the request's service snapshot) runs on a TLS connection, that the server's
 * SPIFFE ID is allowed for the request's service, and, when the trust bundles changed since this
 * connection was last checked, that its chain still verifies (a removed root must not live on in
 * pooled connections). A failing connection's socket is closed so the pool drops it.
 *
 * <p>The ID is checked against the identities in force now (the service's current verifier), so
 * a live change of them also applies to requests still running on an older snapshot; those were
 * already checked against their own identities by the verifier their connection was opened (or
 * picked from the pool) with. For a service removed while its requests are in flight, that
 * connection's own verifier is the check: it is never skipped.
 *
 * <p>Per request it costs a comparison: the peer's chain and SPIFFE ID are read once per
 * connection and kept on its {@link MeshClientSocket}, and a chain is verified again only when the
 * bundles are not the set it was last verified against (by the handshake's trust manager, which
 * notes that set in the session, or here).
 */
public final class PeerIdentityInterceptor implements Interceptor {

  private final Function<String, Optional<SpiffeHostnameVerifier>> currentVerifier;
  private final SpiffeTrustManager trustManager;
  private final Supplier<TrustBundleSet> bundles;

  /**
   * @param currentVerifier the current verifier of a service, empty when the mesh does not route
   *     it (any more)
   */
  public PeerIdentityInterceptor(
      Function<String, Optional<SpiffeHostnameVerifier>> currentVerifier,
      SpiffeTrustManager trustManager, Supplier<TrustBundleSet> bundles) {
    this.currentVerifier = currentVerifier;
    this.trustManager = trustManager;
    this.bundles = bundles;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    Connection connection = chain.connection();
    if (connection == null || !request.isHttps()) {
      return chain.proceed(request); // not an attempt the mesh secured: plaintext by configuration
    }
    MeshAttempt attempt = request.tag(MeshAttempt.class);
    if (attempt == null) {
      return chain.proceed(request);
    }
    String service = attempt.service();
    String endpoint = attempt.endpoint().authority();
    Socket socket = connection.socket();
    SpiffeHostnameVerifier verifier = verifierFor(service, connection);
    if (verifier == null) {
      throw reject(socket, new PeerIdentityException(service, endpoint, Set.of(), null,
          "the service is no longer routed and the connection carries no SPIFFE verifier"));
    }
    if (!(socket instanceof SSLSocket)) {
      throw reject(socket, new PeerIdentityException(
          service, endpoint, verifier.allowed(), null, "the connection is not TLS"));
    }
    SSLSession session = ((SSLSocket) socket).getSession();
    MeshClientSocket mesh = socket instanceof MeshClientSocket m ? m : null;
    MeshClientSocket.PeerCheck known = mesh != null ? mesh.peerCheck() : null;
    if (known == null || known.session() != session) {
      // first request on this connection: read the peer's chain and ID once
      X509Certificate[] chainCerts = peerChain(session, service, endpoint, verifier, socket);
      SpiffeId peer;
      try {
        peer = LeafCertificates.spiffeIdOf(chainCerts[0]);
      } catch (IllegalArgumentException e) {
        throw reject(socket, new PeerIdentityException(service, endpoint, verifier.allowed(), null, e.getMessage()));
      }
      known = new MeshClientSocket.PeerCheck(session, chainCerts, peer, verifiedUnder(session));
    }
    SpiffeId actual = known.peer();
    TrustBundleSet current = bundles.get();
    if (known.verifiedUnder() != current) {
      TrustBundleSet verified;
      try {
        verified = trustManager.verifyUnderCurrent(known.chain(), Purpose.SERVER, session.getCreationTime());
      } catch (CertificateException e) {
        throw reject(socket, new PeerIdentityException(
            service, endpoint, verifier.allowed(), actual, "no longer trusted: " + e.getMessage()));
      }
      // the set the check used, not the one read above: a rotation in between must not be recorded
      // as verified
      known = new MeshClientSocket.PeerCheck(session, known.chain(), actual, verified);
      session.putValue(SpiffeTrustManager.VERIFIED_UNDER, verified);
    }
    if (mesh != null && mesh.peerCheck() != known) {
      mesh.peerCheck(known);
    }
    if (!verifier.allowed().contains(actual)) {
      throw reject(socket, new PeerIdentityException(service, endpoint, verifier.allowed(), actual, null));
    }
    return chain.proceed(request);
  }

  /** The bundles the session's chain was last verified against: by its handshake, or here. */
  private static TrustBundleSet verifiedUnder(SSLSession session) {
    return session.getValue(SpiffeTrustManager.VERIFIED_UNDER) instanceof TrustBundleSet set ? set : null;
  }

  /**
   * The service's current verifier; for a service no longer routed, the one the connection was
   * opened with (OkHttp pools by it, so it is the one this attempt's snapshot asked for).
   */
  private SpiffeHostnameVerifier verifierFor(String service, Connection connection) {
    Optional<SpiffeHostnameVerifier> now = currentVerifier.apply(service);
    if (now.isPresent()) {
      return now.get();
    }
    HostnameVerifier own = connection.route().address().hostnameVerifier();
    return own instanceof SpiffeHostnameVerifier v && v.service().equals(service) ? v : null;
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
