package io.mesh4j.benchmarks;

import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.tls.ManualX509Source;
import io.mesh4j.tls.MeshTls;
import io.mesh4j.tls.SpiffeId;
import io.mesh4j.tls.TrustBundle;
import io.mesh4j.tls.TrustBundleSet;
import io.mesh4j.tls.TrustDomain;
import io.mesh4j.tls.X509Svid;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The same EC P-256 SVIDs (from mesh-testing's {@link TestCa}) behind two kinds of TLS context:
 * mesh-tls's rotating managers with SPIFFE checks, and the JDK's default key and trust managers.
 */
final class TlsFixture {

  static final String TRUST_DOMAIN = "example.org";
  static final SpiffeId SERVER_ID = SpiffeId.parse("spiffe://example.org/orders");
  static final SpiffeId CLIENT_ID = SpiffeId.parse("spiffe://example.org/frontend");

  private final TestCa ca = TestCa.root(TRUST_DOMAIN);
  private final TestCa.Issued server = ca.svid(SERVER_ID.toString());
  private final TestCa.Issued client = ca.svid(CLIENT_ID.toString());

  /** mesh-tls over a fixed source holding {@code issued}; the caller closes it. */
  MeshTls meshTls(boolean forServer) {
    TestCa.Issued issued = forServer ? server : client;
    TrustBundleSet bundles =
        TrustBundleSet.of(TrustBundle.of(TrustDomain.parse(TRUST_DOMAIN), List.of(ca.certificate())));
    return MeshTls.builder(ManualX509Source.of(X509Svid.of(issued.chain(), issued.privateKey()), bundles))
        .build();
  }

  /**
   * Writes the client's SVID and the root as the PEM files of mesh-tls's {@code files} source:
   * {@code svid.pem} (chain, leaf first), {@code svid_key.pem} (PKCS#8) and {@code bundle.pem}.
   */
  void writeClientFiles(java.nio.file.Path dir) {
    client.writePem(dir.resolve("svid.pem"), dir.resolve("svid_key.pem"));
    ca.writeCertificatePem(dir.resolve("bundle.pem"));
  }

  /** The root all SVIDs here chain to. */
  X509Certificate root() {
    return ca.certificate();
  }

  /** The client-side SPIFFE ID check OkHttp runs after each new handshake on a mesh route. */
  static HostnameVerifier serverIdCheck(MeshTls clientTls) {
    return clientTls.verifierFor("orders", Set.of(SERVER_ID));
  }

  /**
   * A TLS 1.3 context with the JDK's default key and trust managers (SunX509, PKIX) over the same
   * certificates and root: what an application gets from the JDK without mesh4j.
   */
  SSLContext plainContext(boolean forServer) throws GeneralSecurityException, java.io.IOException {
    TestCa.Issued issued = forServer ? server : client;
    char[] password = "bench".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("svid", issued.privateKey(), password, issued.chain().toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    KeyStore roots = KeyStore.getInstance("PKCS12");
    roots.load(null, null);
    roots.setCertificateEntry("root", ca.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(roots);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }
}
