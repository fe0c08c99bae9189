package io.mesh4j.samples;

import io.mesh4j.MeshClient;
import io.mesh4j.tls.CallerPolicy;
import io.mesh4j.tls.MeshTlsExtension;
import io.mesh4j.tls.MeshTlsServer;
import io.mesh4j.tls.PeerIdentity;
import io.mesh4j.tls.SpiffeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The README's demo: three local "orders" backends, one of them slow, serving mTLS with the
 * orders workload's SPIFFE identity, and a "frontend" client that calls {@code http://orders/...}
 * through the mesh. Both sides take their certificates from the embedded dev CA. Prints the
 * properties file the client runs on, then each backend's verified SPIFFE ID, how many requests
 * it served and their latencies: with the default peak-EWMA policy the slow backend gets visibly
 * less traffic.
 */
public final class OrdersDemo {

  private static final int REQUESTS = 600;
  private static final int CONCURRENCY = 8;

  private OrdersDemo() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("mesh4j-demo");
    Path caDir = dir.resolve("ca");
    List<OrdersBackend> backends = List.of();
    // The orders workload: it links mesh4j only to serve with its own SVID.
    try (MeshClient ordersWorkload =
        MeshClient.builder().service("orders").property("mesh.tls.dev-ca.dir", caDir.toString()).build()) {
      MeshTlsServer tls =
          ordersWorkload
              .extension(MeshTlsExtension.class)
              .orElseThrow()
              .server(CallerPolicy.allow(SpiffeId.parse("spiffe://mesh.local/frontend")));
      backends =
          List.of(
              OrdersBackend.start("orders-1", 2, tls),
              OrdersBackend.start("orders-2", 2, tls),
              OrdersBackend.start("orders-3 (slow)", 25, tls));
      Path properties = dir.resolve("mesh.properties");
      Files.writeString(properties, propertiesFor(backends, caDir), StandardCharsets.UTF_8);
      System.out.println("== mesh.properties of the frontend ==");
      System.out.print(Files.readString(properties));
      System.out.println();
      try (MeshClient mesh = MeshClient.fromProperties(properties)) {
        run(mesh, backends);
      }
      System.out.println("\nMeshClient closed: its threads, timers and connections are gone.");
      showPlainClientIsRefused(backends.get(0));
    } finally {
      backends.forEach(OrdersBackend::close);
      deleteRecursively(dir);
    }
  }

  static String propertiesFor(List<OrdersBackend> backends, Path caDir) {
    StringBuilder endpoints = new StringBuilder();
    for (OrdersBackend b : backends) {
      endpoints.append(endpoints.length() == 0 ? "" : ",").append(b.address());
    }
    return String.join(
        "\n",
        "# The demo's mesh: this workload is 'frontend'; it calls the 'orders' service.",
        "mesh.service=frontend",
        "mesh.services.orders.endpoints=" + endpoints,
        "# peak-ewma is the default policy; try round-robin to compare.",
        "mesh.services.orders.lb=peak-ewma",
        "mesh.services.orders.timeout=2s",
        "# mTLS is on by default with mesh-tls (mesh.tls.mode=strict); the dev CA is for one host only.",
        "mesh.tls.dev-ca.dir=" + caDir,
        "");
  }

  /** A client without an SVID gets no answer from the backends. */
  private static void showPlainClientIsRefused(OrdersBackend backend) {
    OkHttpClient plain = new OkHttpClient();
    String url = "https://" + backend.address() + "/items/1";
    try (Response r = plain.newCall(new Request.Builder().url(url).build()).execute()) {
      System.out.println("UNEXPECTED: a client without an SVID got HTTP " + r.code());
    } catch (IOException e) {
      System.out.println("A plain HTTPS client without an SVID is refused: " + e.getClass().getSimpleName());
    } finally {
      plain.dispatcher().executorService().shutdown();
      plain.connectionPool().evictAll();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void run(MeshClient mesh, List<OrdersBackend> backends) throws Exception {
    OkHttpClient http = mesh.wrap(new OkHttpClient());
    warmUp(http);
    Map<Integer, LatencyStats> byPort = new ConcurrentHashMap<>();
    Map<Integer, String> identityByPort = new ConcurrentHashMap<>();
    AtomicInteger failures = new AtomicInteger();
    ExecutorService callers = Executors.newFixedThreadPool(CONCURRENCY);
    long start = System.nanoTime();
    try {
      List<Future<?>> done = new java.util.ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        int item = i;
        done.add(callers.submit(() -> call(http, item, byPort, identityByPort, failures)));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      callers.shutdownNow();
      callers.awaitTermination(5, TimeUnit.SECONDS);
    }
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.printf(
        "== %d requests to http://orders/items/N, %d at a time, in %d ms (%d failed) ==%n",
        REQUESTS, CONCURRENCY, elapsedMs, failures.get());
    for (OrdersBackend b : backends) {
      LatencyStats stats = byPort.getOrDefault(b.port(), new LatencyStats());
      System.out.printf(
          "  %-16s %-16s %-28s %4d requests (%4.1f%%)   %s%n",
          b.name(),
          b.address(),
          identityByPort.getOrDefault(b.port(), "-"),
          stats.count(),
          100.0 * stats.count() / REQUESTS,
          stats.summary());
    }
  }

  /** Opens connections and warms the JIT so the figures show steady state, not start-up. */
  private static void warmUp(OkHttpClient http) {
    for (int i = 0; i < 50; i++) {
      try (Response response = http.newCall(new Request.Builder().url("http://orders/warm-up").build()).execute()) {
        response.body().string();
      } catch (IOException e) {
        System.out.println("  warm-up request failed: " + e);
      }
    }
  }

  private static void call(
      OkHttpClient http,
      int item,
      Map<Integer, LatencyStats> byPort,
      Map<Integer, String> identityByPort,
      AtomicInteger failures) {
    Request request = new Request.Builder().url("http://orders/items/" + item).build();
    long t0 = System.nanoTime();
    try (Response response = http.newCall(request).execute()) {
      response.body().string();
      long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
      int port = response.request().url().port();
      byPort.computeIfAbsent(port, p -> new LatencyStats()).add(micros);
      if (response.handshake() != null) {
        identityByPort.putIfAbsent(port, PeerIdentity.of(response.handshake()).toString());
      }
      if (!response.isSuccessful()) {
        failures.incrementAndGet();
      }
    } catch (IOException e) {
      failures.incrementAndGet();
      System.out.println("  request " + item + " failed: " + e);
    }
  }
}
