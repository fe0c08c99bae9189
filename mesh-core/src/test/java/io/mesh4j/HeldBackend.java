package io.mesh4j;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * A slow backend: a JDK HttpServer on 127.0.0.1 whose handler holds the requests it is told to
 * (by their number, from 1) until {@link #release()}, then answers with the status it is told and
 * the body {@code reply-N}.
 */
final class HeldBackend implements AutoCloseable {

  final AtomicInteger received = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private final HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool();

  private HeldBackend(IntPredicate held, IntUnaryOperator status) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setExecutor(handlers);
    server.createContext("/", exchange -> handle(exchange, held, status));
    server.start();
  }

  /** Holds every request until released, then answers 200. */
  static HeldBackend holdingAll() throws IOException {
    return new HeldBackend(n -> true, n -> 200);
  }

  static HeldBackend holding(IntPredicate held, IntUnaryOperator status) throws IOException {
    return new HeldBackend(held, status);
  }

  private void handle(HttpExchange exchange, IntPredicate held, IntUnaryOperator status) throws IOException {
    int n = received.incrementAndGet();
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      if (held.test(n)) {
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      byte[] body = ("reply-" + n).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status.applyAsInt(n), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException clientGone) {
      // the mesh cancelled the request: nobody reads the answer
    }
  }

  /** The value for {@code mesh.services.X.endpoints}. */
  String endpoint() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  void release() {
    release.countDown();
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    handlers.shutdownNow();
  }
}
