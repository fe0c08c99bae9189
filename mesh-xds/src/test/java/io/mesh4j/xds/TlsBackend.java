package io.mesh4j.xds;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.mesh4j.testing.tls.TestCa;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real mutual-TLS backend on 127.0.0.1 presenting an SVID issued by a test CA, requiring a client
 * certificate from the same CA; answers with its name and records the callers' URI SANs.
 */
final class TlsBackend implements AutoCloseable {

  private final HttpsServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<String> callers = new CopyOnWriteArrayList<>();

  TlsBackend(String name, TestCa ca, TestCa.Issued svid) throws IOException, GeneralSecurityException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("svid", svid.privateKey(), new char[0], svid.chain().toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", ca.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        javax.net.ssl.SSLParameters p = context.getDefaultSSLParameters();
        p.setNeedClientAuth(true);
        params.setSSLParameters(p);
      }
    });
    server.createContext("/", exchange -> {
      try (exchange) {
        callers.add(callerId((HttpsExchange) exchange));
        byte[] body = name.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  private static String callerId(HttpsExchange exchange) {
    try {
      X509Certificate leaf = (X509Certificate) exchange.getSSLSession().getPeerCertificates()[0];
      for (List<?> san : leaf.getSubjectAlternativeNames()) {
        if (((Integer) san.get(0)) == 6) {
          return (String) san.get(1);
        }
      }
      return "no URI SAN";
    } catch (SSLPeerUnverifiedException | java.security.cert.CertificateParsingException e) {
      return "unverified: " + e.getMessage();
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** The caller SPIFFE IDs of the requests this backend answered. */
  List<String> callers() {
    return List.copyOf(callers);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
