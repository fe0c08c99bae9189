package io.mesh4j.benchmarks.scenarios;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.HdrHistogram.Histogram;

/**
 * A closed loop: {@code threads} threads each send GETs back to back for a given time, recording
 * latency (HdrHistogram), errors (anything but a 200 with its body read), completions per second,
 * this JVM's CPU time and the loop threads' allocation. Each request carries {@code X-Tag} so
 * nginx's access log can be matched to the run.
 */
final class Load {

  /** Where requests go; {@code tag}, when given, is read per request (else the run's tag). */
  record Target(OkHttpClient client, String url, Supplier<String> tag) {
    Target(OkHttpClient client, String url) {
      this(client, url, null);
    }
  }

  /** What one run measured. */
  record Outcome(long requests, long errors, double seconds, Histogram latency, long cpuNanos, long allocBytes,
      long[] perSecond, List<String> firstErrors) {

    ObjectNode toSample(ResultFile result, String variant, int round, String mode, long externalCpuNanos) {
      ObjectNode s = result.sample(variant, round, mode);
      s.put("requests", requests);
      s.put("errors", errors);
      s.put("seconds", ResultFile.round(seconds));
      s.put("throughput", ResultFile.round(requests / seconds));
      if (cpuNanos >= 0 && requests > 0) {
        s.put("cpuNanosPerRequest", ResultFile.round((double) cpuNanos / requests));
        if (externalCpuNanos >= 0) {
          s.put("totalCpuNanosPerRequest", ResultFile.round((double) (cpuNanos + externalCpuNanos) / requests));
        }
      }
      if (allocBytes >= 0 && requests > 0) {
        s.put("allocBytesPerRequest", ResultFile.round((double) allocBytes / requests));
      } else {
        s.putNull("allocBytesPerRequest");
      }
      s.set("latencyMicros", Latency.micros(latency));
      return s;
    }
  }

  private Load() {}

  static Outcome run(Target target, int threads, double seconds, String tag, boolean closeConnection) throws Exception {
    try (Background b = new Background(target, threads, seconds, tag, closeConnection)) {
      return b.await();
    }
  }

  /** Starts the loop on its own threads; {@link Background#await} waits for its end. */
  static Background background(Target target, int threads, double seconds) {
    return new Background(target, threads, seconds, "load", false);
  }

  /** Stops a client's dispatcher threads and pooled connections (a wrapped one shares the mesh's). */
  static void shutdown(OkHttpClient client) {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  static final class Background implements AutoCloseable {
    private final ExecutorService pool;
    private final List<Future<Histogram>> loops = new ArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong alloc = new AtomicLong();
    private final AtomicLongArray perSecond;
    private final ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
    private final long cpu0 = Cpu.processNanos();
    private final long start = System.nanoTime();
    private final long end;

    Background(Target target, int threads, double seconds, String tag, boolean closeConnection) {
      end = start + (long) (seconds * 1e9);
      perSecond = new AtomicLongArray((int) Math.ceil(seconds) + 2);
      pool = Executors.newFixedThreadPool(threads);
      for (int i = 0; i < threads; i++) {
        loops.add(pool.submit(() -> loop(target, tag, closeConnection)));
      }
    }

    private Histogram loop(Target target, String tag, boolean closeConnection) {
      Histogram h = Latency.histogram();
      long alloc0 = threadAllocated();
      long now;
      while ((now = System.nanoTime()) < end) {
        Request.Builder b = new Request.Builder().url(target.url())
            .header("X-Tag", target.tag() != null ? target.tag().get() : tag);
        if (closeConnection) {
          b.header("Connection", "close");
        }
        boolean ok = false;
        String failure = null;
        try (Response r = target.client().newCall(b.build()).execute()) {
          r.body().bytes();
          ok = r.code() == 200;
          failure = ok ? null : "HTTP " + r.code();
        } catch (Exception e) {
          failure = e.toString();
        }
        long done = System.nanoTime();
        h.recordValue(done - now);
        requests.incrementAndGet();
        int second = (int) ((done - start) / 1_000_000_000L);
        if (second < perSecond.length()) {
          perSecond.incrementAndGet(second);
        }
        if (!ok) {
          errors.incrementAndGet();
          if (firstErrors.size() < 5) {
            firstErrors.add(failure);
          }
        }
      }
      long a = threadAllocated();
      if (alloc0 >= 0 && a >= 0) {
        alloc.addAndGet(a - alloc0);
      } else {
        alloc.set(Long.MIN_VALUE / 2);
      }
      return h;
    }

    Outcome await() throws Exception {
      Histogram all = Latency.histogram();
      for (Future<Histogram> f : loops) {
        all.add(f.get());
      }
      long cpu = Cpu.processNanos();
      double seconds = (System.nanoTime() - start) / 1e9;
      long[] ps = new long[(int) Math.ceil(seconds)];
      for (int i = 0; i < ps.length && i < perSecond.length(); i++) {
        ps[i] = perSecond.get(i);
      }
      long a = alloc.get();
      return new Outcome(requests.get(), errors.get(), seconds, all, cpu0 < 0 ? -1 : cpu - cpu0, a < 0 ? -1 : a, ps,
          List.copyOf(firstErrors));
    }

    @Override
    public void close() throws InterruptedException {
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  private static long threadAllocated() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
        && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
      return t.getCurrentThreadAllocatedBytes();
    }
    return -1;
  }
}
