package io.mesh4j.samples;

import io.mesh4j.MeshClient;
import io.mesh4j.config.ConfigStatus;
import io.mesh4j.event.ConfigApplied;
import io.mesh4j.event.ConfigRejected;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * The dynamic mesh: four threads call {@code http://orders/...} over mTLS without pause while the
 * frontend's {@code mesh.properties} is edited as an operator would (an endpoint added, one
 * drained, the policy switched, a bad edit, the service removed). After each edit it prints, per
 * backend, the requests each one served (counted by the backends themselves) and every request
 * that failed. Run it with {@code mvn -B -q -Pdemo -DskipTests verify
 * -Ddemo.main=io.mesh4j.samples.LiveReloadDemo}.
 */
public final class LiveReloadDemo {

  private static final long PHASE_MILLIS = 2_000;
  private static final int CALLERS = 4;

  private LiveReloadDemo() {}

  public static void main(String[] args) throws Exception {
    List<OrdersBackend> backends = new ArrayList<>();
    try (OrdersWorkload orders = OrdersWorkload.start()) {
      for (int i = 1; i <= 3; i++) {
        backends.add(OrdersBackend.start("orders-" + i, 2, orders.tlsServer()));
      }
      Path file = orders.dir().resolve("mesh.properties");
      Editor editor = new Editor(file, orders.caDir());
      editor.write("start: orders-1 and orders-2, round-robin",
          "mesh.services.orders.endpoints=" + backends.get(0).address() + "," + backends.get(1).address(),
          "mesh.services.orders.lb=round-robin",
          "mesh.services.orders.timeout=2s");
      try (MeshClient mesh = MeshClient.fromProperties(file)) {
        mesh.events().subscribe(ConfigApplied.class, e ->
            System.out.println("   event: ConfigApplied version " + e.version() + ": " + e.diff()));
        mesh.events().subscribe(ConfigRejected.class, e ->
            System.out.println("   event: ConfigRejected, " + e.problems().size() + " problem(s): "
                + e.problems().get(0)));
        OrdersLoad load = OrdersLoad.start(mesh.wrap(new OkHttpClient()), CALLERS);
        try {
          BackendCounts counts = new BackendCounts(backends);
          phase(load, counts, mesh);

          editor.write("add orders-3",
              "mesh.services.orders.endpoints=" + backends.get(0).address() + "," + backends.get(1).address()
                  + "," + backends.get(2).address(),
              "mesh.services.orders.lb=round-robin",
              "mesh.services.orders.timeout=2s");
          phase(load, counts, mesh);

          editor.write("drain orders-1 (health=draining: no new requests) and weigh orders-3 ×3",
              "mesh.services.orders.endpoints=" + backends.get(0).address() + ";health=draining,"
                  + backends.get(1).address() + "," + backends.get(2).address() + ";weight=3",
              "mesh.services.orders.lb=weighted-round-robin",
              "mesh.services.orders.timeout=2s");
          phase(load, counts, mesh);

          editor.write("a bad edit (timeout=fast): rejected whole, version unchanged, still serving",
              "mesh.services.orders.endpoints=" + backends.get(1).address(),
              "mesh.services.orders.lb=weighted-round-robin",
              "mesh.services.orders.timeout=fast");
          phase(load, counts, mesh);

          editor.write("remove the orders service: its name now fails closed, never through DNS");
          phase(load, counts, mesh);
        } finally {
          load.stop();
        }
        ConfigStatus status = mesh.configStatus();
        System.out.printf("%nconfigStatus: version %d from %s, applied at %s%n",
            status.version(), status.origin(), status.appliedAt());
      }
      System.out.println("MeshClient closed: its threads (the config watch included), timers and connections are gone.");
    } finally {
      backends.forEach(OrdersBackend::close);
    }
  }

  /** Lets the watch pick the edit up and traffic run, then prints what the backends served. */
  private static void phase(OrdersLoad load, BackendCounts counts, MeshClient mesh) throws InterruptedException {
    Thread.sleep(PHASE_MILLIS); // the demo's pacing: traffic runs while the watch applies the edit
    Map<String, Long> served = counts.sinceLast();
    StringBuilder line = new StringBuilder("   served:");
    served.forEach((name, n) -> line.append(String.format("  %s %5d", name, n)));
    System.out.println(line);
    System.out.printf("   config version %d; failed requests in this phase: %s%n",
        mesh.configStatus().version(), load.failuresSinceLast());
  }

  /** Writes mesh.properties atomically, as a deploy tool would, and says what changed. */
  private static final class Editor {
    private final Path file;
    private final Path caDir;

    Editor(Path file, Path caDir) {
      this.file = file;
      this.caDir = caDir;
    }

    void write(String what, String... serviceLines) throws IOException {
      List<String> lines = new ArrayList<>(List.of(
          "mesh.service=frontend",
          "mesh.tls.dev-ca.dir=" + caDir));
      lines.addAll(List.of(serviceLines));
      Path tmp = file.resolveSibling("mesh.properties.tmp");
      Files.writeString(tmp, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      System.out.println();
      System.out.println("== " + what);
      for (String l : serviceLines) {
        System.out.println("   " + l);
      }
    }
  }
}
