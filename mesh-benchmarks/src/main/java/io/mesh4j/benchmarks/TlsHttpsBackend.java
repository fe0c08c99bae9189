package io.mesh4j.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * A JDK {@link HttpsServer} on 127.0.0.1 that requires a client certificate (TLS 1.3 only), runs a
 * caller check on each exchange's session, and answers {@code ok}.
 */
final class TlsHttpsBackend implements AutoCloseable {

  /** What the server does with a caller's session before answering (e.g. a SPIFFE ID check). */
  @FunctionalInterface
  interface CallerCheck {
    void check(SSLSession session) throws IOException;
  }

  private static final byte[] BODY = "ok".getBytes(StandardCharsets.US_ASCII);

  private final HttpsServer server;
  private final ExecutorService executor;

  private TlsHttpsBackend(HttpsServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** With {@code configurator} null, {@code context} is used with need-client-auth and TLS 1.3. */
  static TlsHttpsBackend start(SSLContext context, HttpsConfigurator configurator, CallerCheck check)
      throws IOException {
    JdkHttpBackend.enableNoDelay();
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    server.setHttpsConfigurator(configurator != null ? configurator : mutualTls13(context));
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "tls-backend");
              t.setDaemon(true);
              return t;
            });
    server.createContext("/", exchange -> handle(exchange, check));
    server.setExecutor(executor);
    server.start();
    return new TlsHttpsBackend(server, executor);
  }

  private static HttpsConfigurator mutualTls13(SSLContext context) {
    return new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setNeedClientAuth(true);
        p.setProtocols(new String[] {"TLSv1.3"});
        params.setSSLParameters(p);
      }
    };
  }

  private static void handle(HttpExchange exchange, CallerCheck check) throws IOException {
    try (exchange) {
      check.check(((HttpsExchange) exchange).getSSLSession());
      exchange.sendResponseHeaders(200, BODY.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(BODY);
      }
    } catch (IOException e) {
      exchange.sendResponseHeaders(403, -1);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
