package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow start as a user turns it on, through a real MeshClient and real local backends under
 * continuous traffic from four threads, counted at the backends. Bounds are generous (half or
 * double the expected share) and phases are seconds long: the shape is tested, not the timing.
 */
class SlowStartTrafficTest {

  /** Traffic counted per phase: at least this long, and at least this many requests. */
  private static final Duration PHASE = Duration.ofSeconds(2);
  private static final int PHASE_REQUESTS = 150;

  @TempDir Path dir;

  @Test
  void aBackendAddedLiveGetsAGrowingShareWhileThosePresentAtStartupAreNotRamped() throws Exception {
    try (Backends backends = Backends.naming(3)) {
      MeshFile file = new MeshFile(dir.resolve("mesh.properties"));
      // random: shares are proportional to the ramped weights, so the shape is the ramp's own
      String window = "mesh.defaults.lb.slow-start.window=8s";
      file.write(lines(window, "mesh.services.orders.lb=random", endpoints(backends, 0, 1)));
      try (MeshClient mesh = client(file); Traffic traffic = new Traffic(mesh)) {
        traffic.await(backends, PHASE_REQUESTS);

        // soon after startup a third backend joins: had the first two been ramping since the start,
        // all three would be near the minimum weight and it would get about a third at once
        file.write(lines(window, "mesh.services.orders.lb=random", endpoints(backends, 0, 1, 2)));
        mesh.reload();
        long joined = System.nanoTime();
        double early = shareOfPhase(backends, 2, traffic);
        awaitUntil(joined + Duration.ofSeconds(8).plusMillis(500).toNanos());
        double afterWindow = shareOfPhase(backends, 2, traffic);

        assertThat(early).as("new backend's share in the first 2 s of an 8 s ramp (fair: 1/3)").isLessThan(1 / 6.0);
        assertThat(afterWindow).as("its share after the window (fair: 1/3)").isBetween(1 / 6.0, 1 / 2.0);
        assertThat(traffic.failures()).isZero();
      }
    }
  }

  @Test
  void aLiveChangeOfTheWindowAppliesToARampUnderWayWithTheDefaultPolicy() throws Exception {
    try (Backends backends = Backends.naming(3)) {
      MeshFile file = new MeshFile(dir.resolve("mesh.properties"));
      file.write(lines("mesh.services.orders.lb.slow-start.window=1h", endpoints(backends, 0, 1)));
      try (MeshClient mesh = client(file); Traffic traffic = new Traffic(mesh)) {
        traffic.await(backends, PHASE_REQUESTS);
        file.write(lines("mesh.services.orders.lb.slow-start.window=1h", endpoints(backends, 0, 1, 2)));
        mesh.reload();
        double ramping = shareOfPhase(backends, 2, traffic);

        file.write(lines("mesh.services.orders.lb.slow-start.window=0s", endpoints(backends, 0, 1, 2)));
        mesh.reload();
        double off = shareOfPhase(backends, 2, traffic);

        assertThat(ramping).as("share while ramping over an hour (fair: 1/3)").isLessThan(1 / 6.0);
        assertThat(off).as("share once the window is 0s (fair: 1/3)").isGreaterThan(1 / 6.0);
        assertThat(traffic.failures()).isZero();
      }
    }
  }

  private static MeshClient client(MeshFile file) {
    return MeshClient.builder().propertiesFile(file.path).environment(Map.of()).systemProperties(new Properties()).build();
  }

  private static String[] lines(String... serviceLines) {
    List<String> out = new ArrayList<>(List.of("mesh.service=frontend"));
    out.addAll(List.of(serviceLines));
    return out.toArray(new String[0]);
  }

  private static String endpoints(Backends backends, int... indices) {
    StringBuilder b = new StringBuilder("mesh.services.orders.endpoints=");
    for (int i = 0; i < indices.length; i++) {
      b.append(i == 0 ? "" : ",").append("127.0.0.1:").append(backends.servers.get(indices[i]).getPort());
    }
    return b.toString();
  }

  /** The share of requests that backend {@code index} received during the next phase. */
  private static double shareOfPhase(Backends backends, int index, Traffic traffic) {
    int[] before = counts(backends);
    long start = System.nanoTime();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        System.nanoTime() - start >= PHASE.toNanos() && total(counts(backends)) - total(before) >= PHASE_REQUESTS);
    int[] after = counts(backends);
    return (after[index] - before[index]) / (double) (total(after) - total(before));
  }

  private static void awaitUntil(long nanoTime) {
    await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() >= nanoTime);
  }

  private static int[] counts(Backends backends) {
    return backends.servers.stream().mapToInt(MockWebServer::getRequestCount).toArray();
  }

  private static int total(int[] counts) {
    int sum = 0;
    for (int c : counts) {
      sum += c;
    }
    return sum;
  }

  /** Four threads calling {@code http://orders/} until closed. */
  private static final class Traffic implements AutoCloseable {
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();

    Traffic(MeshClient mesh) throws Exception {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      Request request = new Request.Builder().url("http://orders/").build();
      for (int t = 0; t < 4; t++) {
        threads.execute(() -> {
          while (running.get()) {
            try (Response r = http.newCall(request).execute()) {
              r.body().string();
              if (r.code() != 200) {
                failures.incrementAndGet();
              }
            } catch (IOException | RuntimeException e) {
              if (running.get()) {
                failures.incrementAndGet();
              }
            }
          }
        });
      }
    }

    void await(Backends backends, int requests) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> total(counts(backends)) >= requests);
    }

    int failures() {
      return failures.get();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      threads.shutdown();
      assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
