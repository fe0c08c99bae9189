package io.mesh4j.xds;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP backend on 127.0.0.1 that answers with its name and counts what it receives, so
 * tests count at the backends, not at the client. It can answer 5xx, fail the next N requests or
 * delay its answers.
 */
final class CountingBackend implements AutoCloseable {

  static {
    // the JDK server writes headers and body in two packets: without TCP_NODELAY, Nagle and the
    // client's delayed ACK add ~40 ms to every keep-alive request (read once, when the server class loads)
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final String name;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger failNext = new AtomicInteger();
  private volatile int status = 200;
  private volatile long delayMillis;

  CountingBackend(String name) {
    this.name = name;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      try (exchange) {
        exchange.getRequestBody().readAllBytes();
        if (delayMillis > 0) {
          try {
            Thread.sleep(delayMillis); // the backend is slow on purpose (a per-route timeout test)
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        int code = failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : status;
        byte[] body = name.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } catch (IOException e) {
        // the client gave up (a timeout test): nothing to answer
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  String name() {
    return name;
  }

  int port() {
    return server.getAddress().getPort();
  }

  int requests() {
    return requests.get();
  }

  void resetCount() {
    requests.set(0);
  }

  /** Answers every request with this status from now on. */
  void status(int code) {
    status = code;
  }

  /** The next {@code n} requests get 503, then the usual status. */
  void failNext(int n) {
    failNext.set(n);
  }

  void delay(long millis) {
    delayMillis = millis;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
