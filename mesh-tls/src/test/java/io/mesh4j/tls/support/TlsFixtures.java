package io.mesh4j.tls.support;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.tls.MeshTls;
import io.mesh4j.tls.MeshTlsServer;
import io.mesh4j.tls.SpiffeId;
import io.mesh4j.tls.TrustBundle;
import io.mesh4j.tls.TrustBundleSet;
import io.mesh4j.tls.TrustDomain;
import io.mesh4j.tls.X509Svid;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/** Real-socket TLS fixtures: a JDK HttpsServer on 127.0.0.1:0 and OkHttp clients. */
public final class TlsFixtures {

  private TlsFixtures() {}

  public static X509Svid svid(TestCa.Issued issued) {
    return X509Svid.of(issued.chain(), issued.privateKey());
  }

  public static TrustBundleSet bundles(String trustDomain, TestCa... roots) {
    return TrustBundleSet.of(TrustBundle.of(TrustDomain.parse(trustDomain),
        java.util.Arrays.stream(roots).map(TestCa::certificate).toList()));
  }

  /**
   * An HTTPS server answering 200 with the caller's SPIFFE ID, or 403 with the reason. Counts the
   * TLS connections it accepted and records the callers it answered.
   */
  public static final class Server implements AutoCloseable {
    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> callers = new CopyOnWriteArrayList<>();
    private final List<java.math.BigInteger> callerSerials = new CopyOnWriteArrayList<>();

    private final boolean authorize;

    public Server(SSLContext context, MeshTlsServer mesh) throws IOException {
      this(context, mesh, true);
    }

    /** @param authorize whether the handler checks the caller (re-verifying it) on each request */
    public Server(SSLContext context, MeshTlsServer mesh, boolean authorize) throws IOException {
      this.authorize = authorize;
      server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      if (mesh != null) {
        HttpsConfigurator meshConfigurator = mesh.httpsConfigurator();
        // The JDK configures each accepted connection's engine here: one call per TLS connection.
        server.setHttpsConfigurator(new HttpsConfigurator(mesh.sslContext()) {
          @Override
          public void configure(HttpsParameters params) {
            connections.incrementAndGet();
            meshConfigurator.configure(params);
          }
        });
      } else {
        server.setHttpsConfigurator(new HttpsConfigurator(context));
      }
      server.createContext("/", ex -> {
        String body;
        int status;
        try {
          if (mesh != null && authorize) {
            body = mesh.authorize(((HttpsExchange) ex).getSSLSession()).toString();
          } else {
            body = "ok";
          }
          status = 200;
          callers.add(body);
          callerSerial((HttpsExchange) ex).ifPresent(callerSerials::add);
        } catch (SSLPeerUnverifiedException e) {
          body = e.getMessage();
          status = 403;
        } catch (RuntimeException e) {
          body = e.toString();
          status = 500;
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
          os.write(b);
        }
      });
      server.setExecutor(executor);
      server.start();
    }

    private static java.util.Optional<java.math.BigInteger> callerSerial(HttpsExchange ex) {
      try {
        java.security.cert.Certificate[] peer = ex.getSSLSession().getPeerCertificates();
        return java.util.Optional.of(((X509Certificate) peer[0]).getSerialNumber());
      } catch (SSLPeerUnverifiedException e) {
        return java.util.Optional.empty(); // a raw server that did not ask for a client certificate
      }
    }

    public static Server mesh(MeshTlsServer mesh) throws IOException {
      return new Server(null, mesh);
    }

    public static Server raw(SSLContext context) throws IOException {
      return new Server(context, null);
    }

    public int port() {
      return server.getAddress().getPort();
    }

    public String url() {
      return "https://127.0.0.1:" + port() + "/";
    }

    /** TLS connections accepted so far (each one a handshake, finished or refused by the client). */
    public int connectionsAccepted() {
      return connections.get();
    }

    /**
     * The serials of the client certificates of the 200 answers so far, as this server's TLS
     * session has them (a resumed session has the certificate of its first handshake).
     */
    public List<java.math.BigInteger> callerSerials() {
      return List.copyOf(callerSerials);
    }

    /** The bodies of the 200 answers so far: the callers' SPIFFE IDs (or "ok" unauthorized). */
    public List<String> callers() {
      return List.copyOf(callers);
    }

    @Override
    public void close() throws InterruptedException {
      server.stop(0);
      executor.shutdownNow();
      executor.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** A plaintext HTTP server answering 200 "plain": a backend not yet migrated to mTLS. */
  public static final class PlainServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final AtomicInteger requests = new AtomicInteger();

    public PlainServer() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", ex -> {
        requests.incrementAndGet();
        byte[] b = "plain".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream os = ex.getResponseBody()) {
          os.write(b);
        }
      });
      server.setExecutor(executor);
      server.start();
    }

    public int port() {
      return server.getAddress().getPort();
    }

    public int requests() {
      return requests.get();
    }

    @Override
    public void close() throws InterruptedException {
      server.stop(0);
      executor.shutdownNow();
      executor.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  public static OkHttpClient meshClient(MeshTls tls, String service, SpiffeId... allowed) {
    return new OkHttpClient.Builder()
        .sslSocketFactory(tls.socketFactory(), (X509TrustManager) tls.trustManager())
        .hostnameVerifier(tls.verifierFor(service, Set.of(allowed)))
        .retryOnConnectionFailure(false)
        .build();
  }

  public static void shutdown(OkHttpClient c) {
    c.dispatcher().executorService().shutdown();
    c.connectionPool().evictAll();
  }

  /**
   * A plain JDK context with an arbitrary (possibly invalid) certificate, for peers that break
   * the rules; it trusts {@code trusted} (or nothing when empty).
   */
  public static SSLContext rawContext(List<X509Certificate> chain, PrivateKey key, X509Certificate... trusted)
      throws Exception {
    char[] pw = "pw".toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    KeyManagerFactory kmf = null;
    if (chain != null) {
      ks.setKeyEntry("k", key, pw, chain.toArray(new X509Certificate[0]));
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
    }
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    for (int i = 0; i < trusted.length; i++) {
      ts.setCertificateEntry("t" + i, trusted[i]);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext c = SSLContext.getInstance("TLSv1.3");
    c.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return c;
  }
}
