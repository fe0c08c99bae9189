package io.mesh4j.benchmarks.lbq;

import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Closed-loop callers: each thread sends the next request as soon as the last one ended, until
 * stopped. Each records into its own {@link ClientSeries} (merged at the end), so recording takes
 * no lock and callers never wait on each other.
 */
final class LoadDriver {

  private final List<Thread> threads = new ArrayList<>();
  private final List<ClientSeries> perCaller = new ArrayList<>();
  private volatile boolean stopping;

  private LoadDriver() {}

  static LoadDriver start(OkHttpClient client, Request request, int callers, TimeBuckets buckets) {
    LoadDriver d = new LoadDriver();
    for (int c = 0; c < callers; c++) {
      ClientSeries own = ClientSeries.empty(buckets.count());
      d.perCaller.add(own);
      Thread t = new Thread(() -> d.call(client, request, buckets, own), "lbq-caller-" + c);
      t.setDaemon(true);
      d.threads.add(t);
    }
    d.threads.forEach(Thread::start);
    return d;
  }

  private void call(OkHttpClient client, Request request, TimeBuckets buckets, ClientSeries own) {
    while (!stopping) {
      long sent = System.nanoTime();
      int bucket = Math.max(0, buckets.indexOf(sent)); // started before the callers
      String failure;
      try (Response response = client.newCall(request).execute()) {
        response.body().bytes();
        failure = response.code() == 200 ? null : "HTTP " + response.code();
      } catch (Exception e) {
        failure = kind(e);
      }
      long ended = System.nanoTime();
      if (failure == null) {
        own.latencyMicros()[bucket].recordValue(Math.max(1, Math.min(60_000_000, (ended - sent) / 1000)));
        own.succeeded()[bucket]++;
      } else {
        // a failure counts when it happens: a request sent before a zone died fails after
        own.failed()[Math.max(0, buckets.indexOf(ended))]++;
        own.failureKinds().merge(failure, 1L, Long::sum);
      }
    }
  }

  /** The exception's class and message, ports and other numbers left out so that kinds add up. */
  private static String kind(Exception e) {
    String message = e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("[0-9]+", "#");
    String kind = e.getClass().getSimpleName() + message;
    return kind.length() > 100 ? kind.substring(0, 100) : kind;
  }

  /** Lets each caller finish the request it is in, then merges what they recorded. */
  ClientSeries stop() throws InterruptedException {
    stopping = true;
    for (Thread t : threads) {
      t.join();
    }
    ClientSeries all = ClientSeries.empty(perCaller.get(0).buckets());
    perCaller.forEach(all::add);
    return all;
  }
}
