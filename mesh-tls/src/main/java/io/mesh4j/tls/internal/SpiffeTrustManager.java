package io.mesh4j.tls.internal;

import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.SpiffeId;
import io.mesh4j.tls.TrustBundle;
import io.mesh4j.tls.TrustBundleSet;
import io.mesh4j.tls.internal.LeafCertificates.Purpose;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies a peer's X509-SVID against the current bundle of the trust domain its SPIFFE ID names:
 * the leaf rules own SVIDs are held to too ({@link LeafCertificates#checkLeaf}: one URI SAN with a
 * path, not a CA, keyUsage with digitalSignature, EKU if present allows the purpose), then
 * PKIX path validation with the JDK's CertPathValidator at the mesh clock's time. The SPIFFE ID is
 * read from the leaf only; DNS SANs and the CN are ignored. Authorization (which IDs are allowed)
 * is left to the per-service verifier and {@code CallerPolicy}.
 */
public final class SpiffeTrustManager extends X509ExtendedTrustManager {

  /**
   * The name under which a client handshake's session holds the {@link TrustBundleSet} its server
   * chain was verified against, so that the chain is not verified again for that set.
   */
  static final String VERIFIED_UNDER = "io.mesh4j.tls.verified-under";

  private final Supplier<TrustBundleSet> bundles;
  private final MeshClock clock;
  /** {@link #getAcceptedIssuers} of the last bundle set asked for (OkHttp asks once per call). */
  private volatile Issuers issuers;

  private record Issuers(TrustBundleSet of, X509Certificate[] authorities) {}

  public SpiffeTrustManager(Supplier<TrustBundleSet> bundles, MeshClock clock) {
    this.bundles = bundles;
    this.clock = clock;
  }

  /**
   * Verifies {@code chain} (leaf first) and returns the peer's SPIFFE ID.
   *
   * @param purpose what the peer must be allowed to do by its EKU; null for either (an own SVID)
   * @throws CertificateException whose message names the peer's ID (when readable) and the reason
   */
  public SpiffeId verify(X509Certificate[] chain, Purpose purpose) throws CertificateException {
    return verify(chain, purpose, clock.wallMillis());
  }

  /**
   * Verifies as {@link #verify(X509Certificate[], Purpose)} but at {@code atMillis}. A server checks
   * its caller at the request's time ({@code MeshTlsServer.authorize}); the client's re-check of a
   * pooled connection after a bundle change uses the handshake's time, since a client connection
   * whose certificates expired is not reused anyway ({@link MeshClientSocket}).
   */
  public SpiffeId verify(X509Certificate[] chain, Purpose purpose, long atMillis) throws CertificateException {
    return verify(chain, purpose, atMillis, bundles.get());
  }

  /**
   * Verifies as {@link #verify(X509Certificate[], Purpose, long)} and returns the bundles it
   * verified under (read once): what a caller records as the set the chain was checked against,
   * so that a rotation between its own read and the check cannot make it record another set.
   */
  TrustBundleSet verifyUnderCurrent(X509Certificate[] chain, Purpose purpose, long atMillis)
      throws CertificateException {
    TrustBundleSet set = bundles.get();
    verify(chain, purpose, atMillis, set);
    return set;
  }

  private SpiffeId verify(X509Certificate[] chain, Purpose purpose, long atMillis, TrustBundleSet set)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("peer presented no certificate");
    }
    X509Certificate leaf = chain[0];
    SpiffeId id;
    try {
      id = LeafCertificates.spiffeIdOf(leaf);
    } catch (IllegalArgumentException e) {
      throw new CertificateException("peer certificate (" + leaf.getSubjectX500Principal() + ") rejected: " + e.getMessage());
    }
    try {
      LeafCertificates.checkLeafUsage(leaf, purpose == null ? Purpose.ANY : purpose);
    } catch (IllegalArgumentException e) {
      throw rejected(id, e.getMessage());
    }
    TrustBundle bundle =
        set.forTrustDomain(id.trustDomain())
            .orElseThrow(
                () -> rejected(id, "no trust bundle for trust domain " + id.trustDomain()
                    + " (trusted trust domains: " + set.bundles().keySet() + ")"));
    Date now = new Date(atMillis);
    try {
      leaf.checkValidity(now);
    } catch (CertificateExpiredException e) {
      throw rejected(id, "certificate expired at " + leaf.getNotAfter().toInstant() + " (now " + now.toInstant() + ")");
    } catch (CertificateNotYetValidException e) {
      throw rejected(id, "certificate not valid until " + leaf.getNotBefore().toInstant() + " (now " + now.toInstant() + ")");
    }
    validatePath(id, chain, bundle, now);
    return id;
  }

  private void validatePath(SpiffeId id, X509Certificate[] chain, TrustBundle bundle, Date now)
      throws CertificateException {
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate a : bundle.authorities()) {
      anchors.add(new TrustAnchor(a, null));
    }
    // Peers may send their root too; a path must not contain its anchor.
    List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
    while (path.size() > 1 && bundle.authorities().contains(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(now);
      CertPathValidator.getInstance("PKIX").validate(certPath, params);
    } catch (CertPathValidatorException e) {
      String where = e.getIndex() >= 0 ? " at certificate " + e.getIndex() + " of the chain" : "";
      throw rejected(id, "chain does not verify against the trust bundle of " + id.trustDomain() + where
          + ": " + e.getMessage() + (signedElsewhere(e) ? devCaHint(chain, bundle) : ""));
    } catch (GeneralSecurityException e) {
      throw rejected(id, "cannot validate the chain: " + e.getMessage());
    }
  }

  /** The chain leads to no anchor of the bundle (rather than, say, an expired certificate in it). */
  private static boolean signedElsewhere(CertPathValidatorException e) {
    return e.getReason() == java.security.cert.PKIXReason.NO_TRUST_ANCHOR
        || e.getReason() == CertPathValidatorException.BasicReason.INVALID_SIGNATURE;
  }

  /**
   * With a dev-CA bundle the usual cause is two processes using two CA directories: say which one
   * this process uses, who signed the peer, and the key that fixes it.
   */
  private static String devCaHint(X509Certificate[] chain, TrustBundle bundle) {
    return DevCa.describeAuthorities(bundle.authorities())
        .map(ca -> "; the peer's certificate chain is not signed by " + ca + " (the peer's issuer: "
            + chain[chain.length - 1].getIssuerX500Principal() + "); processes that must trust each other need"
            + " the same mesh.tls.dev-ca.dir")
        .orElse("");
  }

  private static CertificateException rejected(SpiffeId id, String reason) {
    return new CertificateException("peer " + id + " rejected: " + reason);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    verify(chain, Purpose.CLIENT);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    verify(chain, Purpose.SERVER);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    verify(chain, Purpose.CLIENT);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    TrustBundleSet set = bundles.get();
    verify(chain, Purpose.SERVER, clock.wallMillis(), set);
    // PeerIdentityInterceptor re-verifies a connection's chain when the bundles changed since; this
    // tells it which set the handshake verified against, so a new connection is not verified twice.
    SSLSession handshake = socket instanceof SSLSocket s ? s.getHandshakeSession() : null;
    if (handshake != null) {
      handshake.putValue(VERIFIED_UNDER, set);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    verify(chain, Purpose.CLIENT);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    verify(chain, Purpose.SERVER);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    TrustBundleSet set = bundles.get();
    Issuers known = issuers;
    if (known == null || known.of() != set) {
      known = new Issuers(set, set.allAuthorities().toArray(new X509Certificate[0]));
      issuers = known;
    }
    return known.authorities().clone(); // callers may change the array they get
  }

  static String instant(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
