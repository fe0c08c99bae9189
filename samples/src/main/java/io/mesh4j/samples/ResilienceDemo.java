package io.mesh4j.samples;

import io.mesh4j.MeshClient;
import io.mesh4j.event.ServiceAdded;
import io.mesh4j.resilience.ResilienceExtension;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Outlier detection at work: three "orders" backends (mTLS, as in {@link OrdersDemo}); one starts answering 503, the mesh retries
 * its requests on the others and ejects it, the other two carry the load; it recovers and is
 * re-admitted when its ejection time has passed. Resilience events are printed as they happen.
 */
public final class ResilienceDemo {

  private ResilienceDemo() {}

  public static void main(String[] args) throws Exception {
    try (OrdersWorkload orders = OrdersWorkload.start();
        OrdersBackend a = OrdersBackend.start("orders-a", 0, orders.tlsServer());
        OrdersBackend b = OrdersBackend.start("orders-b", 0, orders.tlsServer());
        OrdersBackend c = OrdersBackend.start("orders-c", 0, orders.tlsServer())) {
      List<OrdersBackend> backends = List.of(a, b, c);
      try (MeshClient mesh =
          MeshClient.builder()
              .service("frontend")
              .environment(Map.of())
              .systemProperties(new Properties())
              .property("mesh.tls.dev-ca.dir", orders.caDir().toString())
              .property("mesh.services.orders.endpoints", a.address() + "," + b.address() + "," + c.address())
              .property("mesh.services.orders.lb", "round-robin")
              .property("mesh.services.orders.timeout", "2s")
              .property("mesh.services.orders.outlier-detection.consecutive-failures", "3")
              .property("mesh.services.orders.outlier-detection.base-ejection-time", "2s")
              .build()) {
        // resilience publishes what it does on the client's event bus
        mesh.events().subscribe(e -> {
          if (e.getClass().getPackageName().equals("io.mesh4j.event") && !(e instanceof ServiceAdded)) {
            System.out.println("  event: " + e);
          }
        });
        ResilienceExtension resilience = mesh.extension(ResilienceExtension.class).orElseThrow();
        OkHttpClient http = mesh.wrap(new OkHttpClient());

        phase("1. all three healthy", http, backends, 30);

        b.failWith(503);
        phase("2. orders-b answers 503: retried elsewhere, then ejected", http, backends, 30);
        phase("3. orders-b ejected: the other two carry the load", http, backends, 30);

        b.failWith(0);
        System.out.println("\n4. orders-b recovered; waiting for its ejection time (2s) to pass");
        long until = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < until && !resilience.snapshot("orders").orElseThrow().ejected().isEmpty()) {
          Thread.sleep(100); // a demo pacing itself, not a test waiting for a condition
        }
        phase("5. orders-b re-admitted", http, backends, 30);
      }
    }
  }

  private static void phase(String title, OkHttpClient http, List<OrdersBackend> backends, int requests)
      throws IOException {
    System.out.println("\n" + title);
    long[] before = backends.stream().mapToLong(OrdersBackend::served).toArray();
    int ok = 0;
    int failed = 0;
    for (int i = 0; i < requests; i++) {
      try (Response r = http.newCall(new Request.Builder().url("http://orders/items/" + i).build()).execute()) {
        if (r.isSuccessful()) {
          ok++;
        } else {
          failed++;
        }
      } catch (IOException e) {
        failed++;
      }
    }
    StringBuilder served = new StringBuilder();
    for (int i = 0; i < backends.size(); i++) {
      served.append(String.format("  %s=%d", backends.get(i).name(), backends.get(i).served() - before[i]));
    }
    System.out.printf("  %d requests: %d ok, %d failed; attempts served by%s%n", requests, ok, failed, served);
  }
}
