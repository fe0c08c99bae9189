package io.mesh4j.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Several threads calling one mesh service in a loop, counting what succeeded and keeping what failed. */
final class Load implements AutoCloseable {

  private final ExecutorService threads;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger succeeded = new AtomicInteger();
  final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

  private Load(OkHttpClient http, String service, int threadCount) {
    threads = Executors.newFixedThreadPool(threadCount);
    Request request = new Request.Builder().url("http://" + service + "/").build();
    for (int t = 0; t < threadCount; t++) {
      threads.execute(() -> {
        while (running.get()) {
          try (Response r = http.newCall(request).execute()) {
            if (r.code() == 200) {
              r.body().string();
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

  static Load start(OkHttpClient http, String service, int threads) {
    return new Load(http, service, threads);
  }

  int succeeded() {
    return succeeded.get();
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    threads.shutdown();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).as("load threads stopped").isTrue();
  }
}
