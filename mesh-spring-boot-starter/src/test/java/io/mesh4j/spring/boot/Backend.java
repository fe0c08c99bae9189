package io.mesh4j.spring.boot;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP backend on 127.0.0.1:0 that counts what it receives and answers with its name. */
final class Backend implements AutoCloseable {

  /** What one request looked like at the backend. */
  record Seen(String method, String path, String host, String body) {}

  private final String name;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final AtomicInteger requests = new AtomicInteger();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch hold = new CountDownLatch(0);
  private final AtomicInteger failures = new AtomicInteger();

  private Backend(String name) throws IOException {
    this.name = name;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/healthz", ex -> respond(ex, 200, "ok"));
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static Backend start(String name) throws IOException {
    return new Backend(name);
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    requests.incrementAndGet();
    seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(),
        ex.getRequestHeaders().getFirst("Host"), new String(body, StandardCharsets.UTF_8)));
    try {
      hold.await(10, TimeUnit.SECONDS); // a slow backend: answers once the test releases it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      respond(ex, 503, name + " unavailable");
      return;
    }
    respond(ex, 200, name + " " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
  }

  private static void respond(HttpExchange ex, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain");
    ex.sendResponseHeaders(status, bytes.length);
    try (var out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Requests from now on wait until the returned latch is counted down (10 s at most). */
  CountDownLatch hold() {
    CountDownLatch latch = new CountDownLatch(1);
    hold = latch;
    return latch;
  }

  /** The next {@code n} requests are answered 503. */
  void failNext(int n) {
    failures.set(n);
  }

  int requests() {
    return requests.get();
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
