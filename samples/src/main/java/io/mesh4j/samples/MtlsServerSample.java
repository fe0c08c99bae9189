package io.mesh4j.samples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import io.mesh4j.MeshClient;
import io.mesh4j.tls.CallerPolicy;
import io.mesh4j.tls.MeshTlsExtension;
import io.mesh4j.tls.MeshTlsServer;
import io.mesh4j.tls.SpiffeId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The server side of mTLS: a workload that serves needs a {@link MeshClient} of its own, with its
 * own {@code mesh.service}, to get an SVID ({@code spiffe://mesh.local/orders}); it serves a JDK
 * {@link HttpsServer} with that SVID and checks every caller with a {@link CallerPolicy}.
 *
 * <p>Two workloads in one process, as two processes on one host would be: both MeshClients point
 * {@code mesh.tls.dev-ca.dir} at the same directory, so their SVIDs come from one CA. The frontend
 * calls {@code http://orders/hello} through the mesh (mTLS with its own SVID) and the server prints
 * the caller's SPIFFE ID. A "payments" workload (a valid SVID, but not allowed) gets a 403, and a
 * client without an SVID is refused in the handshake: both checked at the server.
 *
 * <p>Run: {@code mvn -B -q -Pdemo -DskipTests verify -Ddemo.main=io.mesh4j.samples.MtlsServerSample}
 */
public final class MtlsServerSample {

  static final String FRONTEND = "spiffe://mesh.local/frontend";

  private MtlsServerSample() {}

  /**
   * The server workload: its MeshClient (for the SVID; it calls nothing here), an HttpsServer that
   * requires a client certificate, and a handler that authorizes every request.
   */
  static final class OrdersServer implements AutoCloseable {
    private final MeshClient mesh;
    private final HttpsServer https;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<String> served = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();

    OrdersServer(Path caDir, CallerPolicy policy) throws IOException {
      // Its own MeshClient and mesh.service: that is what gives this workload the orders SVID.
      mesh = MeshClient.builder()
          .service("orders")
          .property("mesh.tls.dev-ca.dir", caDir.toString())
          .build();
      MeshTlsServer tls = mesh.extension(MeshTlsExtension.class).orElseThrow().server(policy);
      https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      https.setHttpsConfigurator(tls.httpsConfigurator()); // TLS 1.3, client certificate required
      https.createContext("/", exchange -> handle(tls, exchange));
      https.setExecutor(executor);
      https.start();
    }

    private void handle(MeshTlsServer tls, HttpExchange exchange) throws IOException {
      try (exchange) {
        SpiffeId caller;
        try {
          // every request, not only the handshake: the chain is checked at the time of the request
          caller = tls.authorize(((HttpsExchange) exchange).getSSLSession());
        } catch (SSLPeerUnverifiedException e) { // PeerIdentityException when the policy says no
          refused.add(e.getMessage());
          System.out.println("orders refused: " + e.getMessage());
          respond(exchange, 403, "forbidden\n");
          return;
        }
        served.add(caller.toString());
        System.out.println("orders served a call from " + caller);
        respond(exchange, 200, "hello " + caller + "\n");
      }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }

    int port() {
      return https.getAddress().getPort();
    }

    /** The callers served, in order. */
    List<String> served() {
      return List.copyOf(served);
    }

    /** Why callers were refused, in order. */
    List<String> refused() {
      return List.copyOf(refused);
    }

    @Override
    public void close() throws InterruptedException {
      https.stop(0);
      executor.shutdownNow();
      executor.awaitTermination(5, TimeUnit.SECONDS);
      mesh.close(); // after the server: it presents the SVID this client keeps fresh
    }
  }

  /** A calling workload: its own MeshClient and mesh.service, calling orders through the mesh. */
  static MeshClient caller(Path caDir, String service, int ordersPort) {
    return MeshClient.builder()
        .service(service)
        .property("mesh.tls.dev-ca.dir", caDir.toString())
        .property("mesh.services.orders.endpoints", "127.0.0.1:" + ordersPort)
        .build();
  }

  /**
   * A client that trusts the dev CA but has no SVID of its own (the server identity is not what is
   * shown here, so the host name check is skipped: the SVID carries a URI SAN, no DNS name).
   */
  static OkHttpClient clientWithoutSvid(Path caDir) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(caDir.resolve("ca.pem"))) {
      trusted.setCertificateEntry("dev-ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext ssl = SSLContext.getInstance("TLSv1.3");
    ssl.init(null, tmf.getTrustManagers(), null);
    return new OkHttpClient.Builder()
        .sslSocketFactory(ssl.getSocketFactory(), (X509TrustManager) tmf.getTrustManagers()[0])
        .hostnameVerifier((host, session) -> true)
        .retryOnConnectionFailure(false)
        .build();
  }

  static String get(OkHttpClient http, String url) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.code() + " " + r.body().string().trim();
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("mesh4j-server-sample");
    Path caDir = dir.resolve("ca"); // shared by both workloads, as by two processes of one user
    try (OrdersServer orders = new OrdersServer(caDir, CallerPolicy.allow(SpiffeId.parse(FRONTEND)))) {
      System.out.println("== orders serves https://127.0.0.1:" + orders.port() + "/ with spiffe://mesh.local/orders;"
          + " callers allowed: " + FRONTEND);

      try (MeshClient frontend = caller(caDir, "frontend", orders.port())) {
        OkHttpClient http = frontend.wrap(new OkHttpClient());
        System.out.println("frontend -> http://orders/hello: " + get(http, "http://orders/hello"));
        http.dispatcher().executorService().shutdown();
      }

      try (MeshClient payments = caller(caDir, "payments", orders.port())) {
        OkHttpClient http = payments.wrap(new OkHttpClient());
        System.out.println("payments -> http://orders/hello: " + get(http, "http://orders/hello"));
        http.dispatcher().executorService().shutdown();
      }

      OkHttpClient anonymous = clientWithoutSvid(caDir);
      try {
        System.out.println("no SVID -> https://127.0.0.1:" + orders.port() + "/hello: "
            + get(anonymous, "https://127.0.0.1:" + orders.port() + "/hello"));
      } catch (IOException e) {
        System.out.println("no SVID -> refused in the TLS handshake (" + e.getClass().getSimpleName() + ")");
      } finally {
        anonymous.dispatcher().executorService().shutdown();
        anonymous.connectionPool().evictAll();
      }
      System.out.println("== orders served " + orders.served() + ", refused " + orders.refused().size());
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
