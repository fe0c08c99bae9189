package io.mesh4j.benchmarks.lbq;

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
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A JDK {@link HttpServer} on 127.0.0.1 answering as its {@link BackendModel} says, and counting
 * the requests that arrive per time bucket: the traffic shares come from here, not from the
 * client. Each request gets its own thread (a stalled backend holds them all), so a delay is the
 * model's, never a queue's.
 */
final class ModelBackend implements AutoCloseable {

  private static final byte[] BODY = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

  static {
    // Without TCP_NODELAY the server's separate header and body writes meet the client's delayed
    // ACK and each response waits ~40 ms. The JDK reads it once, before the first HttpServer.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final String name;
  private final String zone;
  private final BackendModel model;
  private final TimeBuckets buckets;
  private final AtomicLongArray arrivals;
  private final HttpServer server;
  private final ExecutorService executor;
  private volatile boolean stopped;

  private ModelBackend(String name, String zone, BackendModel model, TimeBuckets buckets) throws IOException {
    this.name = name;
    this.zone = zone;
    this.model = model;
    this.buckets = buckets;
    this.arrivals = new AtomicLongArray(buckets.count());
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "lbq-" + name);
              t.setDaemon(true);
              return t;
            });
    server.createContext("/", this::handle);
    server.setExecutor(executor);
  }

  /**
   * @param zone the endpoint's {@code zone} attribute, or null for none
   */
  static ModelBackend start(String name, String zone, BackendModel model, TimeBuckets buckets) throws IOException {
    ModelBackend b = new ModelBackend(name, zone, model, buckets);
    b.server.start();
    return b;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      int bucket = buckets.indexOf(System.nanoTime());
      if (bucket >= 0) {
        arrivals.incrementAndGet(bucket);
      }
      exchange.getRequestBody().readAllBytes();
      BackendModel.Answer answer = model.next();
      try {
        TimeUnit.NANOSECONDS.sleep(answer.delayNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // closing: the exchange closes unanswered
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.fails() ? 503 : 200, BODY.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(BODY);
      }
    }
  }

  String name() {
    return name;
  }

  /** Null when the endpoint has no zone. */
  String zone() {
    return zone;
  }

  BackendModel model() {
    return model;
  }

  /** As a static endpoint: {@code 127.0.0.1:port[;zone=z]}. */
  String endpointSpec() {
    String spec = "127.0.0.1:" + server.getAddress().getPort();
    return zone == null ? spec : spec + ";zone=" + zone;
  }

  /** Requests that arrived in each bucket so far. */
  long[] arrivals() {
    long[] out = new long[arrivals.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = arrivals.get(i);
    }
    return out;
  }

  /** Dies: the listening socket and every open connection close; new connections are refused. */
  void kill() {
    if (!stopped) {
      stopped = true;
      server.stop(0);
    }
  }

  @Override
  public void close() {
    kill();
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
