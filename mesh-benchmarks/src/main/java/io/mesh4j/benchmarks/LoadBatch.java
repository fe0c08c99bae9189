package io.mesh4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.HdrHistogram.Histogram;

/**
 * One batch of requests: {@code concurrency} threads make blocking calls until {@code requests}
 * have been started or the deadline passes, each recording its latencies in its own histogram
 * (merged at the end, so recording takes no lock).
 */
final class LoadBatch {

  /**
   * Outcome of a batch; latencies in nanoseconds. {@code cpuNanos} is this process's CPU time
   * (client and backends) during the batch: unlike wall time it does not count other processes
   * on a shared machine, so CPU per request is the steadier measure of the mesh's cost.
   */
  record Result(long completed, long errors, long elapsedNanos, long cpuNanos, Histogram latency) {
    double throughputPerSecond() {
      return completed * 1e9 / elapsedNanos;
    }
  }

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

  private LoadBatch() {}

  /**
   * @param requestFor the request for the i-th call of the batch
   */
  static Result run(
      OkHttpClient client, IntFunction<Request> requestFor, int requests, int concurrency, long deadlineNanos)
      throws InterruptedException {
    AtomicInteger tickets = new AtomicInteger();
    AtomicLong errors = new AtomicLong();
    List<Histogram> histograms = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    long cpuStart = OS.getProcessCpuTime();
    for (int w = 0; w < concurrency; w++) {
      Histogram h = new Histogram(HIGHEST_NANOS, 3);
      histograms.add(h);
      Thread t =
          new Thread(
              () -> work(client, requestFor, requests, deadlineNanos, tickets, errors, h),
              "load-worker-" + w);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    for (Thread t : workers) {
      t.join();
    }
    long elapsed = System.nanoTime() - start;
    long cpu = OS.getProcessCpuTime() - cpuStart;
    Histogram total = new Histogram(HIGHEST_NANOS, 3);
    histograms.forEach(total::add);
    return new Result(total.getTotalCount(), errors.get(), elapsed, cpu, total);
  }

  private static void work(
      OkHttpClient client,
      IntFunction<Request> requestFor,
      int requests,
      long deadlineNanos,
      AtomicInteger tickets,
      AtomicLong errors,
      Histogram latency) {
    int ticket;
    while ((ticket = tickets.getAndIncrement()) < requests && System.nanoTime() < deadlineNanos) {
      long t0 = System.nanoTime();
      try (Response response = client.newCall(requestFor.apply(ticket)).execute()) {
        response.body().bytes();
        if (response.code() != 200) {
          errors.incrementAndGet();
          continue;
        }
      } catch (Exception e) {
        errors.incrementAndGet();
        continue;
      }
      latency.recordValue(Math.min(System.nanoTime() - t0, HIGHEST_NANOS));
    }
  }
}
