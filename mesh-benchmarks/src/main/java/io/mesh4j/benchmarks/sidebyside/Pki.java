package io.mesh4j.benchmarks.sidebyside;

import io.mesh4j.testing.tls.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificates of the mTLS variants, all from one {@link TestCa} of trust domain
 * {@code mesh.local}: the servers' SVID ({@code spiffe://mesh.local/orders}, also valid for
 * 127.0.0.1 so plain JSSE's host name check accepts it), the client's ({@code
 * spiffe://mesh.local/bench}), and the bundle, as PEM files in one directory (the mesh's files
 * source, nginx and HAProxy read them) and as a JSSE SSLContext (the raw OkHttp baseline).
 */
final class Pki {

  static final String TRUST_DOMAIN = "mesh.local";
  static final String CLIENT_SERVICE = "bench";
  static final String SERVER_SERVICE = "orders";
  private static final char[] PASSWORD = "bench".toCharArray();

  private final Path dir;
  private final TestCa ca;
  private final TestCa.Issued server;
  private final TestCa.Issued client;

  private Pki(Path dir, TestCa ca, TestCa.Issued server, TestCa.Issued client) {
    this.dir = dir;
    this.ca = ca;
    this.server = server;
    this.client = client;
  }

  /** Issues the certificates (valid for a day: longer than any run) and writes them to {@code dir}. */
  static Pki create(Path dir) throws Exception {
    Files.createDirectories(dir);
    TestCa ca = TestCa.root(TRUST_DOMAIN);
    TestCa.Issued server = ca.leaf().uris("spiffe://" + TRUST_DOMAIN + "/" + SERVER_SERVICE)
        .ipAddresses("127.0.0.1").validFor(Duration.ofDays(1)).issue();
    TestCa.Issued client = ca.leaf().uris("spiffe://" + TRUST_DOMAIN + "/" + CLIENT_SERVICE)
        .validFor(Duration.ofDays(1)).issue();
    Pki pki = new Pki(dir, ca, server, client);
    ca.writeCertificatePem(pki.bundle());
    server.writePem(dir.resolve("server.pem"), dir.resolve("server-key.pem"));
    client.writePem(pki.clientCert(), pki.clientKey());
    // HAProxy wants certificate and key in one file
    TestCa.write(pki.serverCombined(), server.certificatePem() + server.privateKeyPem());
    TestCa.write(pki.clientCombined(), client.certificatePem() + client.privateKeyPem());
    return pki;
  }

  /** Copies the server's certificate, key and the bundle under the names {@link Backends} reads. */
  void writeNginxFiles(Path prefix) throws Exception {
    Files.createDirectories(prefix);
    for (String name : new String[] {"server.pem", "server-key.pem"}) {
      Files.copy(dir.resolve(name), prefix.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.copy(bundle(), prefix.resolve("bundle.pem"), StandardCopyOption.REPLACE_EXISTING);
  }

  Path bundle() {
    return dir.resolve("bundle.pem");
  }

  Path clientCert() {
    return dir.resolve("client.pem");
  }

  Path clientKey() {
    return dir.resolve("client-key.pem");
  }

  Path clientCombined() {
    return dir.resolve("client-combined.pem");
  }

  Path serverCombined() {
    return dir.resolve("server-combined.pem");
  }

  /** Plain JSSE: the client's certificate from a PKCS#12 key store, the CA as the only trust anchor. */
  SSLContext clientContext() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("client", client.privateKey(), PASSWORD, client.chain().toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), new javax.net.ssl.TrustManager[] {trustManager()}, null);
    return context;
  }

  X509TrustManager trustManager() throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(anchors);
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }
}
