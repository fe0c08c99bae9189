package io.mesh4j.samples.spring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Two stand-in "orders" backends on 127.0.0.1 (random ports), so the sample runs on a fresh
 * machine. Each answers {@code GET /items/<id>} with a little JSON naming itself, and {@code
 * /healthz} for mesh4j's health checks.
 */
public final class LocalOrders implements AutoCloseable {

  private final List<HttpServer> servers = new ArrayList<>();
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final AtomicInteger requests = new AtomicInteger();

  private LocalOrders() {}

  public static LocalOrders start(int count) {
    LocalOrders orders = new LocalOrders();
    try {
      for (int i = 1; i <= count; i++) {
        orders.servers.add(orders.serve("orders-" + i));
      }
    } catch (IOException e) {
      orders.close();
      throw new UncheckedIOException(e);
    }
    return orders;
  }

  private HttpServer serve(String name) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/healthz", ex -> respond(ex, "ok"));
    server.createContext("/items/", ex -> {
      requests.incrementAndGet();
      String id = ex.getRequestURI().getPath().substring("/items/".length());
      respond(ex, "{\"item\":\"" + id.replaceAll("[^A-Za-z0-9-]", "") + "\",\"servedBy\":\"" + name
          + "\",\"host\":\"" + ex.getRequestHeaders().getFirst("Host") + "\"}");
    });
    server.setExecutor(executor);
    server.start();
    return server;
  }

  private static void respond(HttpExchange ex, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(200, bytes.length);
    try (var out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The backends as mesh4j's static discovery lists them: {@code 127.0.0.1:p1,127.0.0.1:p2}. */
  public String endpoints() {
    return servers.stream()
        .map(s -> "127.0.0.1:" + s.getAddress().getPort())
        .collect(Collectors.joining(","));
  }

  /** Item requests the backends served, all together. */
  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
    executor.shutdownNow();
  }
}
