package io.mesh4j.discovery.etcd;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Several threads calling http://<service>/ through the mesh without pause, every outcome recorded. */
final class Load implements AutoCloseable {

  /** One finished request: when it started (nanoTime), what answered, or why it failed. */
  record Outcome(long startNanos, String answer, Throwable failure) {}

  final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ExecutorService threads;

  Load(OkHttpClient http, String service, int threadCount) {
    threads = Executors.newFixedThreadPool(threadCount);
    Request request = new Request.Builder().url("http://" + service + "/").build();
    for (int i = 0; i < threadCount; i++) {
      threads.execute(() -> {
        while (running.get()) {
          long start = System.nanoTime();
          try (Response r = http.newCall(request).execute()) {
            String body = r.body().string();
            outcomes.add(r.code() == 200 ? new Outcome(start, body, null)
                : new Outcome(start, null, new IOException("HTTP " + r.code() + ": " + body)));
          } catch (IOException | RuntimeException e) {
            outcomes.add(new Outcome(start, null, e));
          }
        }
      });
    }
  }

  List<Outcome> failures() {
    return outcomes.stream().filter(o -> o.failure() != null).toList();
  }

  /** Waits for a request started after {@code sinceNanos} to be answered by {@code answer}; how long from then. */
  Duration awaitAnswer(String answer, long sinceNanos, Duration atMost) {
    await().atMost(atMost).until(() -> outcomes.stream()
        .anyMatch(o -> answer.equals(o.answer()) && o.startNanos() >= sinceNanos));
    long first = outcomes.stream().filter(o -> answer.equals(o.answer()) && o.startNanos() >= sinceNanos)
        .mapToLong(Outcome::startNanos).min().orElseThrow();
    return Duration.ofNanos(first - sinceNanos);
  }

  /** Waits until {@code count} requests started after {@code sinceNanos} have finished. */
  void awaitRequestsAfter(long sinceNanos, int count) {
    await().atMost(Duration.ofSeconds(20))
        .until(() -> outcomes.stream().filter(o -> o.startNanos() > sinceNanos).count() >= count);
  }

  List<String> answersAfter(long sinceNanos) {
    return outcomes.stream().filter(o -> o.startNanos() > sinceNanos && o.answer() != null)
        .map(Outcome::answer).distinct().toList();
  }

  /** Stops the load and waits for the requests under way; idempotent. */
  @Override
  public void close() {
    running.set(false);
    threads.shutdown();
    try {
      if (!threads.awaitTermination(20, TimeUnit.SECONDS)) {
        threads.shutdownNow();
        throw new AssertionError("load threads did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
