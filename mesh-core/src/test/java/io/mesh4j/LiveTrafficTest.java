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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dynamic mesh under load, as a user runs it: four threads call real local backends
 * continuously while the properties file is edited (endpoints added and removed, the policy
 * switched, timeouts changed, a service added and removed, a bad edit), on the default 1s watch.
 * No request may fail but those sent to the removed service after its removal, and each change
 * must show in traffic within 2s of the write, counted at the backends.
 */
class LiveTrafficTest {

  private static final Duration VISIBLE = Duration.ofSeconds(2);

  @TempDir Path dir;

  /** One finished request: which thread, when it started (nanoTime), what answered or failed. */
  private record Outcome(int thread, String service, long startNanos, String answer, Throwable failure) {}

  @Test
  void editsUnderLoadApplyWithinTwoSecondsWithoutFailingARequest() throws Exception {
    try (Backends orders = Backends.naming(3); Backends inventory = Backends.naming(1)) {
      String a = "127.0.0.1:" + orders.servers.get(0).getPort();
      String b = "127.0.0.1:" + orders.servers.get(1).getPort();
      String c = "127.0.0.1:" + orders.servers.get(2).getPort();
      String d = "127.0.0.1:" + inventory.servers.get(0).getPort();
      MeshFile file = new MeshFile(dir.resolve("mesh.properties"));
      file.write(lines("mesh.services.orders.endpoints=" + a + "," + b, "mesh.services.orders.lb=round-robin",
          "mesh.services.orders.timeout=2s"));
      try (MeshClient mesh = MeshClient.builder().propertiesFile(file.path).environment(Map.of())
          .systemProperties(new Properties()).build()) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean callInventory = new AtomicBoolean(false);
        ExecutorService load = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
          int thread = t;
          load.execute(() -> {
            while (running.get()) {
              call(http, thread, "orders", outcomes);
              if (callInventory.get()) {
                call(http, thread, "inventory", outcomes);
              }
            }
          });
        }
        try {
          awaitAnswer(outcomes, "orders", port(a), System.nanoTime());

          // an endpoint added
          long added = write(file, "mesh.services.orders.endpoints=" + a + "," + b + "," + c,
              "mesh.services.orders.lb=round-robin", "mesh.services.orders.timeout=2s");
          assertThat(awaitAnswer(outcomes, "orders", port(c), added)).isLessThanOrEqualTo(VISIBLE);

          // an endpoint removed (its backend keeps running, as in a real drain)
          long removed = write(file, "mesh.services.orders.endpoints=" + b + "," + c,
              "mesh.services.orders.lb=round-robin", "mesh.services.orders.timeout=2s");
          awaitRequestsStartedAfter(outcomes, removed + VISIBLE.toNanos(), 200);
          int aCount = orders.servers.get(0).getRequestCount();
          assertThat(answersStartedAfter(outcomes, "orders", removed + VISIBLE.toNanos()))
              .doesNotContain(port(a));

          // the policy switched: ring-hash on a per-thread key, so each thread sticks to one endpoint
          long switched = write(file, "mesh.services.orders.endpoints=" + b + "," + c,
              "mesh.services.orders.lb=ring-hash", "mesh.services.orders.lb.hash-header=x-thread",
              "mesh.services.orders.timeout=2s");
          awaitRequestsStartedAfter(outcomes, switched + VISIBLE.toNanos(), 200);
          for (int t = 0; t < 4; t++) {
            int thread = t;
            assertThat(outcomes.stream()
                    .filter(o -> o.thread() == thread && o.service().equals("orders")
                        && o.startNanos() > switched + VISIBLE.toNanos())
                    .map(Outcome::answer)
                    .distinct())
                .as("thread %s sticks to one endpoint after the switch", thread)
                .hasSize(1);
          }

          // timeouts changed, a service added
          long grown = write(file, "mesh.services.orders.endpoints=" + b + "," + c,
              "mesh.services.orders.lb=ring-hash", "mesh.services.orders.lb.hash-header=x-thread",
              "mesh.services.orders.timeout=1s", "mesh.services.inventory.endpoints=" + d,
              "mesh.services.inventory.timeout=1s");
          await().atMost(VISIBLE).until(() -> mesh.discoveryStatus("inventory").isPresent());
          callInventory.set(true);
          assertThat(awaitAnswer(outcomes, "inventory", port(d), grown)).isLessThanOrEqualTo(VISIBLE);

          // a bad edit: rejected whole, the running config keeps serving
          write(file, "mesh.services.orders.endpoints=" + b + "," + c, "mesh.services.orders.lb=ring-hash",
              "mesh.services.orders.lb.hash-header=x-thread", "mesh.services.orders.timeout=-1s");
          await().atMost(VISIBLE).until(() -> mesh.configStatus().lastRejection().isPresent());

          // the service removed: requests to it fail closed from now on
          long shrunk = write(file, "mesh.services.orders.endpoints=" + b + "," + c,
              "mesh.services.orders.lb=ring-hash", "mesh.services.orders.lb.hash-header=x-thread",
              "mesh.services.orders.timeout=1s");
          await().atMost(VISIBLE).until(() -> mesh.discoveryStatus("inventory").isEmpty());
          awaitRequestsStartedAfter(outcomes, System.nanoTime(), 200);
          assertThat(orders.servers.get(0).getRequestCount()).as("the removed endpoint got nothing more").isEqualTo(aCount);
          List<Outcome> failed = new ArrayList<>();
          for (Outcome o : outcomes) {
            boolean expected = o.service().equals("inventory") && o.failure() instanceof ServiceRemovedException
                && o.startNanos() >= shrunk;
            if (o.failure() != null && !expected) {
              failed.add(o);
            }
          }
          assertThat(failed).as("failed requests").isEmpty();
          assertThat(outcomes).anyMatch(o -> o.failure() instanceof ServiceRemovedException);
          assertThat(mesh.configStatus().version()).isEqualTo(6);
        } finally {
          running.set(false);
          load.shutdown();
          assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
      }
    }
  }

  private static String[] lines(String... serviceLines) {
    List<String> out = new ArrayList<>(List.of("mesh.service=frontend"));
    out.addAll(List.of(serviceLines));
    return out.toArray(new String[0]);
  }

  /** Writes the file and returns when, on the nanoTime scale. */
  private static long write(MeshFile file, String... serviceLines) throws IOException {
    long now = System.nanoTime();
    file.write(lines(serviceLines));
    return now;
  }

  private static String port(String endpoint) {
    return "port=" + endpoint.substring(endpoint.lastIndexOf(':') + 1);
  }

  private static void call(OkHttpClient http, int thread, String service, ConcurrentLinkedQueue<Outcome> outcomes) {
    long start = System.nanoTime();
    Request request = new Request.Builder().url("http://" + service + "/").header("x-thread", "t" + thread).build();
    try (Response r = http.newCall(request).execute()) {
      String body = r.body().string();
      outcomes.add(r.code() == 200
          ? new Outcome(thread, service, start, body, null)
          : new Outcome(thread, service, start, null, new IOException("HTTP " + r.code())));
    } catch (IOException | RuntimeException e) {
      outcomes.add(new Outcome(thread, service, start, null, e));
    }
  }

  /** Waits for a request started after {@code sinceNanos} answered by {@code answer}; returns how long from then. */
  private static Duration awaitAnswer(ConcurrentLinkedQueue<Outcome> outcomes, String service, String answer,
      long sinceNanos) {
    await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.stream().anyMatch(
        o -> o.service().equals(service) && answer.equals(o.answer()) && o.startNanos() >= sinceNanos));
    long first = outcomes.stream()
        .filter(o -> o.service().equals(service) && answer.equals(o.answer()) && o.startNanos() >= sinceNanos)
        .mapToLong(Outcome::startNanos).min().orElseThrow();
    return Duration.ofNanos(first - sinceNanos);
  }

  private static void awaitRequestsStartedAfter(ConcurrentLinkedQueue<Outcome> outcomes, long nanos, int count) {
    await().atMost(Duration.ofSeconds(10))
        .until(() -> outcomes.stream().filter(o -> o.startNanos() > nanos).count() >= count);
  }

  private static List<String> answersStartedAfter(ConcurrentLinkedQueue<Outcome> outcomes, String service, long nanos) {
    return outcomes.stream()
        .filter(o -> o.service().equals(service) && o.startNanos() > nanos && o.answer() != null)
        .map(Outcome::answer)
        .distinct()
        .toList();
  }
}
