package io.mesh4j;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mesh4j.discovery.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real backend for routing tests: a JDK HttpServer on 127.0.0.1, port 0, that counts the
 * requests it receives, records their Host headers and paths, and answers 200 with its name as
 * the body. Requests to paths starting with {@code /held} wait until {@link #release()}.
 */
final class CountingBackend implements AutoCloseable {

  final String name;
  final AtomicInteger received = new AtomicInteger();
  final List<String> hosts = new CopyOnWriteArrayList<>();
  final List<String> paths = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool();

  CountingBackend(String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    received.incrementAndGet();
    hosts.add(exchange.getRequestHeaders().getFirst("Host"));
    String path = exchange.getRequestURI().getPath();
    paths.add(path);
    if (path.startsWith("/held")) {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] body = name.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  Endpoint endpoint() {
    return Endpoint.of("127.0.0.1", port());
  }

  /** Answers the held requests. */
  void release() {
    release.countDown();
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    handlers.shutdownNow();
  }
}
