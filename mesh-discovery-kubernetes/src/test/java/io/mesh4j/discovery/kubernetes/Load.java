package io.mesh4j.discovery.kubernetes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Requests to {@code http://<service>/} from several threads until stopped, failures kept. */
final class Load implements AutoCloseable {

  private final ExecutorService threads;
  private final AtomicBoolean running = new AtomicBoolean(true);
  final AtomicInteger succeeded = new AtomicInteger();
  final List<String> failures = new CopyOnWriteArrayList<>();

  Load(OkHttpClient http, String service, int threadCount) {
    threads = Executors.newFixedThreadPool(threadCount);
    Request request = new Request.Builder().url("http://" + service + "/").build();
    for (int i = 0; i < threadCount; i++) {
      threads.execute(() -> {
        while (running.get()) {
          try (Response r = http.newCall(request).execute()) {
            r.body().string();
            if (r.code() == 200) {
              succeeded.incrementAndGet();
            } else {
              failures.add("HTTP " + r.code());
            }
          } catch (Exception e) {
            failures.add(e.toString());
          }
        }
      });
    }
  }

  /** Stops sending and waits for the requests under way. */
  void stop() {
    running.set(false);
    threads.shutdown();
    try {
      if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
        threads.shutdownNow();
      }
    } catch (InterruptedException e) {
      threads.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
