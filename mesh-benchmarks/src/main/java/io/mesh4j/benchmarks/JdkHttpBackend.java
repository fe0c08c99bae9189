package io.mesh4j.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A JDK {@link HttpServer} on 127.0.0.1 answering every request with a small body, at once. */
final class JdkHttpBackend implements AutoCloseable {

  private static final byte[] BODY = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final ExecutorService executor;

  private JdkHttpBackend(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Must run before the first HttpServer is created: the JDK reads the property once. */
  static void enableNoDelay() {
    // Without TCP_NODELAY the server's separate header and body writes meet the client's delayed
    // ACK and each response waits ~40 ms: the numbers would measure Nagle, not the mesh.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  static JdkHttpBackend start(int threads) throws IOException {
    enableNoDelay();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "jdk-backend");
              t.setDaemon(true);
              return t;
            });
    server.createContext("/", JdkHttpBackend::handle);
    server.setExecutor(executor);
    server.start();
    return new JdkHttpBackend(server, executor);
  }

  private static void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, BODY.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(BODY);
      }
    }
  }

  String authority() {
    return "127.0.0.1:" + server.getAddress().getPort();
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
