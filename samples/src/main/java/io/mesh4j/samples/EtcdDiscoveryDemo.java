package io.mesh4j.samples;

import io.mesh4j.MeshClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * Discovery from a real etcd: the demo starts an etcd of its own (Debian's etcd-server) on free
 * ports in a temporary directory; three "orders" workloads each run a MeshClient with {@code
 * mesh.register.enabled=true}, which puts their address in etcd under a lease; the frontend's
 * MeshClient finds them with {@code discovery=etcd} and calls them over mTLS. Then one workload
 * shuts down (its registration is deleted at once) and a fourth starts (it is found within a
 * second), while the frontend keeps calling: it prints what each backend served in each phase and
 * every failed request (none). Without etcd installed it says how to get it and stops.
 */
public final class EtcdDiscoveryDemo {

  private static final int CALLERS = 4;

  private EtcdDiscoveryDemo() {}

  public static void main(String[] args) throws Exception {
    if (!installed("etcd")) {
      System.out.println("This demo runs a real etcd, which is not installed here.");
      System.out.println("Install it (Debian/Ubuntu: `sudo apt-get install etcd-server`), then run it again.");
      return;
    }
    Path dir = Files.createTempDirectory("mesh4j-etcd-demo");
    int clientPort = freePort();
    int peerPort = freePort();
    String etcdUrl = "http://127.0.0.1:" + clientPort;
    List<String> command = List.of("etcd", "--name", "demo", "--data-dir", dir.resolve("etcd").toString(),
        "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
        "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
        "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
        "--initial-cluster", "demo=http://127.0.0.1:" + peerPort);
    System.out.println("== etcd at " + etcdUrl + " (data in " + dir + ")");
    List<Workload> workloads = new ArrayList<>();
    Process etcd = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("etcd.log").toFile()).start();
    try (OrdersWorkload identity = OrdersWorkload.start()) {
      awaitPort(etcd, clientPort, Duration.ofSeconds(20), dir.resolve("etcd.log"));
      for (int i = 1; i <= 3; i++) {
        workloads.add(Workload.start("orders-" + i, identity, etcdUrl));
      }
      try (MeshClient frontend = MeshClient.builder()
          .service("frontend")
          .property("mesh.tls.dev-ca.dir", identity.caDir().toString())
          .property("mesh.discovery.etcd.endpoints", etcdUrl)
          .property("mesh.services.orders.discovery", "etcd")
          .property("mesh.services.orders.lb", "round-robin")
          .property("mesh.services.orders.timeout", "2s")
          .build()) {
        System.out.println("== the frontend calls http://orders/... with discovery=etcd, mesh.discovery.etcd.endpoints="
            + etcdUrl);
        // registration runs in the background (a workload starts even while etcd is down), so
        // the demo waits until the frontend's watch has brought all three before it sends traffic
        awaitEligible(frontend, 3, Duration.ofSeconds(20));
        OrdersLoad load = OrdersLoad.start(frontend.wrap(new OkHttpClient()), CALLERS);
        try {
          phase("three workloads registered themselves", workloads, load, frontend);

          Workload leaving = workloads.get(0);
          leaving.close();
          phase(leaving.name + " shut down: its MeshClient deleted its registration", workloads, load, frontend);

          workloads.add(Workload.start("orders-4", identity, etcdUrl));
          phase("orders-4 started and registered itself", workloads, load, frontend);
        } finally {
          load.stop();
        }
      } finally {
        for (Workload w : workloads) {
          w.close();
        }
      }
    } finally {
      etcd.destroy();
      if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
        etcd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      deleteRecursively(dir);
    }
    System.out.println("\nAll MeshClients closed; etcd stopped.");
  }

  private static boolean installed(String tool) {
    for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Waits until etcd accepts connections; fails with its log when it exits or takes too long. */
  private static void awaitPort(Process etcd, int port, Duration timeout, Path log) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (!etcd.isAlive()) {
        throw new IllegalStateException("etcd exited; its log:\n" + Files.readString(log));
      }
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50); // polling the port with a deadline
      }
    }
    throw new IllegalStateException("etcd did not listen on " + port + " within " + timeout + "; its log:\n"
        + Files.readString(log));
  }

  private static void awaitEligible(MeshClient frontend, int count, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (frontend.discoveryStatus("orders").orElseThrow().eligible().size() < count) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("the frontend did not see " + count + " orders endpoints within " + timeout
            + ": " + frontend.discoveryStatus("orders").orElseThrow());
      }
      Thread.sleep(20); // polling with a deadline
    }
  }

  private static void phase(String what, List<Workload> workloads, OrdersLoad load, MeshClient frontend)
      throws InterruptedException {
    System.out.println("\n== " + what);
    Thread.sleep(1_500); // the demo's pacing: traffic runs while etcd's watch brings the change
    StringBuilder served = new StringBuilder("   served:");
    for (Workload w : workloads) {
      served.append(String.format("  %s %5d", w.name, w.servedSinceLast()));
    }
    System.out.println(served);
    System.out.println("   the frontend sees: " + frontend.discoveryStatus("orders").orElseThrow().eligible());
    System.out.println("   failed requests in this phase: " + load.failuresSinceLast());
  }

  /** An orders backend and the MeshClient that registers it in etcd (and gives it its SVID). */
  private static final class Workload implements AutoCloseable {
    final String name;
    private final OrdersBackend backend;
    private final MeshClient mesh;
    private long lastServed;
    private boolean closed;

    private Workload(String name, OrdersBackend backend, MeshClient mesh) {
      this.name = name;
      this.backend = backend;
      this.mesh = mesh;
    }

    static Workload start(String name, OrdersWorkload identity, String etcdUrl) throws IOException {
      OrdersBackend backend = OrdersBackend.start(name, 2, identity.tlsServer());
      MeshClient mesh = MeshClient.builder()
          .service("orders")
          .property("mesh.tls.dev-ca.dir", identity.caDir().toString())
          .property("mesh.discovery.etcd.endpoints", etcdUrl)
          .property("mesh.discovery.etcd.lease-ttl", "5s")
          .property("mesh.register.enabled", "true")
          .property("mesh.register.address", backend.address())
          .build();
      System.out.println("   " + name + " serves on " + backend.address() + " and registers it in etcd");
      return new Workload(name, backend, mesh);
    }

    long servedSinceLast() {
      long now = backend.served();
      long delta = now - lastServed;
      lastServed = now;
      return delta;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      mesh.close(); // deletes the registration first...
      backend.close(); // ...then the server goes
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
