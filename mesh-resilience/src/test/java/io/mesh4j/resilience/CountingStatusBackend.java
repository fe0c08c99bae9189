package io.mesh4j.resilience;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mesh4j.discovery.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real backend on 127.0.0.1, port 0 (a JDK HttpServer) that answers every request with one
 * status and counts the requests it received: what a retry policy did is counted where it lands.
 */
final class CountingStatusBackend implements AutoCloseable {

  private final int status;
  private final AtomicInteger received = new AtomicInteger();
  private final HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool();

  CountingStatusBackend(int status) throws IOException {
    this.status = status;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    received.incrementAndGet();
    exchange.getRequestBody().readAllBytes();
    byte[] body = ("status " + status).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Requests received so far. */
  int received() {
    return received.get();
  }

  Endpoint endpoint() {
    return Endpoint.of("127.0.0.1", server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }
}
