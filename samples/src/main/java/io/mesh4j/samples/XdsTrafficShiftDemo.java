package io.mesh4j.samples;

import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.mesh4j.MeshClient;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.routing.RequestRouter;
import io.mesh4j.xds.XdsResourceAccepted;
import io.mesh4j.xds.XdsResourceRejected;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import okhttp3.OkHttpClient;

/**
 * A live traffic shift programmed by an xDS control plane, no sidecar: the frontend's only
 * configuration for {@code orders} is "discovery from xDS, listener orders...:8080". A real
 * control plane (java-control-plane, in this JVM) serves what istiod would: routes weighted between
 * two subsets, v1 (two backends) and v2 (one), each an mTLS cluster requiring orders' SPIFFE ID.
 * Four threads call {@code http://orders/items/N} without pause while the control plane moves the
 * traffic v1 → 10% v2 → 50% → a bad push (refused, the last good config keeps serving) → v2. After
 * each push it prints what each backend served, counted by the backends themselves. Run it with
 * {@code mvn -B -q -Pdemo -DskipTests verify -Ddemo.main=io.mesh4j.samples.XdsTrafficShiftDemo}.
 */
public final class XdsTrafficShiftDemo {

  private static final long PHASE_MILLIS = 2_000;
  private static final long SETTLE_MILLIS = 300;
  private static final int CALLERS = 4;

  private XdsTrafficShiftDemo() {}

  public static void main(String[] args) throws Exception {
    List<OrdersBackend> v1 = new ArrayList<>();
    List<OrdersBackend> v2 = new ArrayList<>();
    List<OrdersBackend> all = new ArrayList<>();
    try (OrdersWorkload orders = OrdersWorkload.start(); XdsDemoControlPlane plane = XdsDemoControlPlane.start()) {
      v1.add(OrdersBackend.start("v1-a", 2, orders.tlsServer()));
      v1.add(OrdersBackend.start("v1-b", 2, orders.tlsServer()));
      v2.add(OrdersBackend.start("v2-a", 2, orders.tlsServer()));
      all.addAll(v1);
      all.addAll(v2);
      Versions versions = new Versions();
      plane.publish("1", 100, 0, v1, v2, XdsDemoControlPlane.mtls());
      System.out.println("control plane on " + plane.address() + " serves listener " + XdsDemoControlPlane.LISTENER);
      try (MeshClient mesh = MeshClient.builder()
          .service("frontend")
          .property("mesh.tls.dev-ca.dir", orders.caDir().toString())
          .property("mesh.xds.server", plane.address())
          .property("mesh.xds.node-id", "sidecar~127.0.0.1~frontend-1.default~default.svc.cluster.local")
          .property("mesh.services.orders.discovery", "xds")
          .property("mesh.services.orders.xds.listener", XdsDemoControlPlane.LISTENER)
          .build()) {
        mesh.events().subscribe(XdsResourceAccepted.class, e -> versions.accepted(e.typeUrl(), e.version()));
        mesh.events().subscribe(XdsResourceRejected.class, e -> versions.rejected(e.version(), e.detail()));
        OrdersLoad load = OrdersLoad.start(mesh.wrap(new OkHttpClient()), CALLERS);
        try {
          BackendCounts counts = new BackendCounts(all);
          System.out.println();
          System.out.println("== version 1: every request to v1");
          // the stream may have taken version 1 before the subscription above: wait for an answer instead
          phase(firstAnswer(load), () -> true, load, counts);

          RequestRouter before = push(mesh, plane, versions, "2", "canary: 10% to v2", 90, 10, v1, v2,
              XdsDemoControlPlane.mtls());
          phase(versions.routesAccepted("2"), () -> router(mesh) != before, load, counts);

          RequestRouter half = push(mesh, plane, versions, "3", "half and half", 50, 50, v1, v2,
              XdsDemoControlPlane.mtls());
          phase(versions.routesAccepted("3"), () -> router(mesh) != half, load, counts);

          push(mesh, plane, versions, "4", "a bad push: v2's cluster asks for ALTS, which the mesh cannot honour",
              50, 50, v1, v2, XdsDemoControlPlane.unsupported());
          phase(versions.rejected("4"), () -> true, load, counts); // nothing changes: the routes stay

          RequestRouter shared = push(mesh, plane, versions, "5", "all to v2", 0, 100, v1, v2,
              XdsDemoControlPlane.mtls());
          phase(versions.routesAccepted("5"), () -> router(mesh) != shared, load, counts);
        } finally {
          load.stop();
        }
        System.out.printf("%nrequests answered: %d, failed: %d%n", load.answered(), load.failed());
      }
      System.out.println("MeshClient closed: its xDS stream, threads, timers and connections are gone.");
    } finally {
      all.forEach(OrdersBackend::close);
    }
  }

  /** Publishes a version; returns the router the mesh routed {@code orders} with before it. */
  private static RequestRouter push(MeshClient mesh, XdsDemoControlPlane plane, Versions versions, String version,
      String what, int v1Weight, int v2Weight, List<OrdersBackend> v1, List<OrdersBackend> v2,
      TransportSocket v2Transport) {
    RequestRouter before = router(mesh);
    System.out.println();
    System.out.println("== version " + version + ": " + what + " (v1 " + v1Weight + ", v2 " + v2Weight + ")");
    versions.published(version);
    plane.publish(version, v1Weight, v2Weight, v1, v2, v2Transport);
    return before;
  }

  /** The routes {@code orders}' requests are matched against now (the provider publishes a new router per route table). */
  private static RequestRouter router(MeshClient mesh) {
    return mesh.discoveryStatus("orders").map(s -> s.attributes().get(ServiceAttributes.REQUEST_ROUTER)).orElse(null);
  }

  /**
   * Waits for the mesh to take the push (its event, then the new routes in force: the clusters a route
   * names are added as services first), lets traffic run, then prints what the backends served.
   */
  private static void phase(CompletableFuture<String> taken, BooleanSupplier inForce, OrdersLoad load,
      BackendCounts counts) throws Exception {
    System.out.println("   " + taken.get(10, TimeUnit.SECONDS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!inForce.getAsBoolean() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // the demo polls the mesh's own status
    }
    Thread.sleep(SETTLE_MILLIS); // the demo's pacing: requests already under way finish on the previous routes
    counts.sinceLast();
    Thread.sleep(PHASE_MILLIS); // the demo's pacing: traffic runs on the new routes
    Map<String, Long> served = counts.sinceLast();
    StringBuilder line = new StringBuilder("   served:");
    served.forEach((name, n) -> line.append(String.format("  %s %5d", name, n)));
    System.out.println(line);
    System.out.printf("   failed requests in this phase: %s%n", load.failuresSinceLast());
  }

  private static CompletableFuture<String> firstAnswer(OrdersLoad load) {
    return CompletableFuture.supplyAsync(() -> {
      long started = System.nanoTime();
      while (load.answered() == 0 && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10)) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // the demo polls its own counter
      }
      return load.answered() > 0 ? "first request answered" : "no answer within 10 s";
    });
  }

  /** What the mesh said about each version, from its xDS events. */
  private static final class Versions {
    private static final String ROUTES = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    private final Map<String, CompletableFuture<String>> routes = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<String>> rejections = new ConcurrentHashMap<>();
    private final Map<String, Long> publishedAt = new ConcurrentHashMap<>();

    Versions() {
      published("1");
    }

    void published(String version) {
      publishedAt.put(version, System.nanoTime());
    }

    private long millisSince(String version) {
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - publishedAt.getOrDefault(version, System.nanoTime()));
    }

    void accepted(String typeUrl, String version) {
      if (typeUrl.equals(ROUTES)) {
        routesAccepted(version).complete("event: routes version " + version + " accepted ("
            + millisSince(version) + " ms after the push)");
      }
    }

    void rejected(String version, String detail) {
      rejected(version).complete("event: version " + version + " rejected (NACK, " + millisSince(version)
          + " ms after the push): " + detail);
    }

    CompletableFuture<String> routesAccepted(String version) {
      return routes.computeIfAbsent(version, v -> new CompletableFuture<>());
    }

    CompletableFuture<String> rejected(String version) {
      return rejections.computeIfAbsent(version, v -> new CompletableFuture<>());
    }
  }
}
