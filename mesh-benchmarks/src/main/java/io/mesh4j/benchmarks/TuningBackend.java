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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A JDK {@link HttpServer} on 127.0.0.1 whose behaviour a scenario script changes while it runs:
 * how long each answer takes, a longer first answer (a cold JVM), a stall, 503s. It counts the
 * requests it receives per 100 ms since the scenario's start: traffic is counted at the backend.
 */
final class TuningBackend implements AutoCloseable {

  static final long BUCKET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final byte[] BODY = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final ExecutorService executor;
  private final long startNanos;
  private final AtomicIntegerArray arrivals;
  private final AtomicBoolean firstPending = new AtomicBoolean(true);
  volatile long delayNanos;
  volatile long firstDelayNanos;
  volatile boolean failing;

  private TuningBackend(long startNanos, int buckets, long delayNanos) throws IOException {
    JdkHttpBackend.enableNoDelay();
    this.startNanos = startNanos;
    this.arrivals = new AtomicIntegerArray(buckets);
    this.delayNanos = delayNanos;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    this.executor = Executors.newFixedThreadPool(32, r -> {
      Thread t = new Thread(r, "tuning-backend");
      t.setDaemon(true);
      return t;
    });
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** A backend answering after {@code delayMillis}, counting arrivals from {@code startNanos}. */
  static TuningBackend start(long startNanos, int seconds, double delayMillis) throws IOException {
    return new TuningBackend(startNanos, seconds * 10 + 1, (long) (delayMillis * 1e6));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      long now = System.nanoTime();
      int bucket = (int) ((now - startNanos) / BUCKET_NANOS);
      if (bucket >= 0 && bucket < arrivals.length()) {
        arrivals.incrementAndGet(bucket);
      }
      exchange.getRequestBody().readAllBytes();
      long delay = firstPending.getAndSet(false) && firstDelayNanos > 0 ? firstDelayNanos : delayNanos;
      long until = now + delay;
      for (long left = delay; left > 0; left = until - System.nanoTime()) {
        LockSupport.parkNanos(left);
      }
      exchange.sendResponseHeaders(failing ? 503 : 200, BODY.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(BODY);
      }
    }
  }

  /** Requests received from second {@code from} (inclusive) to {@code to} (exclusive). */
  int arrivals(double from, double to) {
    int sum = 0;
    for (int b = (int) Math.round(from * 10); b < Math.min(arrivals.length(), (int) Math.round(to * 10)); b++) {
      sum += arrivals.get(b);
    }
    return sum;
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
