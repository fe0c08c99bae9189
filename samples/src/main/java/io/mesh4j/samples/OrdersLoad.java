package io.mesh4j.samples;

import io.mesh4j.ServiceRemovedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Demo callers of {@code http://orders/items/N} that never pause, so a demo shows that its changes
 * cost no request; every failure is counted, grouped by what failed.
 */
final class OrdersLoad {

  private final ExecutorService threads;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  private OrdersLoad(int callers) {
    this.threads = Executors.newFixedThreadPool(callers);
  }

  /** Starts {@code callers} threads calling through {@code http} (a mesh-wrapped client). */
  static OrdersLoad start(OkHttpClient http, int callers) {
    OrdersLoad load = new OrdersLoad(callers);
    for (int i = 0; i < callers; i++) {
      load.threads.execute(() -> load.run(http));
    }
    return load;
  }

  private void run(OkHttpClient http) {
    long item = 0;
    while (running.get()) {
      Request request = new Request.Builder().url("http://orders/items/" + item++).build();
      try (Response r = http.newCall(request).execute()) {
        r.body().string();
        if (r.isSuccessful()) {
          answered.incrementAndGet();
        } else {
          failed("HTTP " + r.code());
        }
      } catch (ServiceRemovedException e) {
        failed("ServiceRemovedException: " + e.getMessage());
        pause(); // the service is gone: no need to spin on it
      } catch (IOException e) {
        failed(e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
  }

  private void failed(String what) {
    failed.incrementAndGet();
    failures.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
  }

  private static void pause() {
    try {
      Thread.sleep(50); // pacing of the demo's callers after a refusal, not a wait for a condition
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Requests answered with a 2xx since the start. */
  long answered() {
    return answered.get();
  }

  /** Requests failed since the start, whatever failed. */
  long failed() {
    return failed.get();
  }

  /** The failures since the last call, one line per kind with its count, or {@code none}. */
  String failuresSinceLast() {
    if (failures.isEmpty()) {
      return "none";
    }
    StringBuilder s = new StringBuilder();
    for (String key : new ArrayList<>(failures.keySet())) {
      AtomicLong n = failures.remove(key);
      s.append(String.format("%n     %5d × %s", n.get(), key));
    }
    return s.toString();
  }

  void stop() throws InterruptedException {
    running.set(false);
    threads.shutdown();
    threads.awaitTermination(10, TimeUnit.SECONDS);
  }
}
