package io.mesh4j.samples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import io.mesh4j.tls.MeshTlsServer;
import io.mesh4j.tls.SpiffeId;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A demo "orders" backend: a JDK HttpServer on 127.0.0.1 with a chosen service time. With a
 * {@link MeshTlsServer} it serves mTLS with the orders workload's SVID and only answers callers
 * its policy allows.
 */
public final class OrdersBackend implements AutoCloseable {

  private final String name;
  private final HttpServer server;
  private final ExecutorService executor;
  private final MeshTlsServer tls;
  private final AtomicLong served = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile long delayMillis;
  private volatile int slowEvery; // 0: never slow
  private volatile long slowMillis;
  private volatile int failWith; // 0: answer normally

  private OrdersBackend(
      String name, HttpServer server, ExecutorService executor, long delayMillis, MeshTlsServer tls) {
    this.name = name;
    this.server = server;
    this.executor = executor;
    this.delayMillis = delayMillis;
    this.tls = tls;
  }

  /** A plaintext backend. */
  public static OrdersBackend start(String name, long delayMillis) throws IOException {
    return start(name, delayMillis, null);
  }

  /** A backend serving mTLS with {@code tls} (plaintext when null). */
  public static OrdersBackend start(String name, long delayMillis, MeshTlsServer tls) throws IOException {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
    // delayed ACK and every response waits ~40 ms: not what the demo is about.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
    HttpServer server;
    if (tls != null) {
      HttpsServer https = HttpsServer.create(address, 64);
      https.setHttpsConfigurator(tls.httpsConfigurator());
      server = https;
    } else {
      server = HttpServer.create(address, 64);
    }
    ExecutorService executor = Executors.newFixedThreadPool(8, r -> new Thread(r, "demo-" + name));
    OrdersBackend backend = new OrdersBackend(name, server, executor, delayMillis, tls);
    server.createContext("/", backend::handle);
    server.setExecutor(executor);
    server.start();
    return backend;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String caller = "anonymous";
      if (tls != null) {
        try {
          SpiffeId id = tls.authorize(((HttpsExchange) exchange).getSSLSession());
          caller = id.toString();
        } catch (IOException e) {
          byte[] denied = e.getMessage().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(403, denied.length);
          exchange.getResponseBody().write(denied);
          return;
        }
      }
      long n = served.incrementAndGet();
      int every = slowEvery;
      long delay = every > 0 && n % every == 0 ? slowMillis : delayMillis;
      if (delay > 0) {
        try {
          Thread.sleep(delay); // simulated service time of this backend
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      int failure = failWith;
      if (failure != 0) {
        exchange.sendResponseHeaders(failure, -1); // simulated outage: an error status, no body
        return;
      }
      String host = exchange.getRequestHeaders().getFirst("Host");
      byte[] body =
          ("{\"backend\":\"" + name + "\",\"path\":\"" + exchange.getRequestURI() + "\",\"host\":\""
                  + host + "\",\"caller\":\"" + caller + "\"}")
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  public String name() {
    return name;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String address() {
    return "127.0.0.1:" + port();
  }

  public long served() {
    return served.get();
  }

  public void delayMillis(long millis) {
    this.delayMillis = millis;
  }

  /** From now on answer one request in {@code every} after {@code millis} (a stall); 0 never. */
  public void slowEvery(int every, long millis) {
    this.slowMillis = millis;
    this.slowEvery = every;
  }

  /** From now on answer every request with {@code status} (such as 503); 0 answers normally again. */
  public void failWith(int status) {
    this.failWith = status;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return; // a demo may stop a backend early (a zone dying) and close it again at the end
    }
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
