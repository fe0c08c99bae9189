package io.mesh4j.xds.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.mesh4j.discovery.DiscoveryListener;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.event.MeshEvent;
import io.mesh4j.event.MeshEventListener;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.routing.RequestRouter;
import io.mesh4j.routing.RouteDecision;
import io.mesh4j.time.MeshClock;
import io.mesh4j.xds.ControlPlane;
import io.mesh4j.xds.IstioMesh;
import io.mesh4j.xds.internal.client.XdsClient;
import io.mesh4j.xds.internal.client.XdsClientSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One cluster-fed service against java-control-plane's real server, its overlay driven by hand. */
class ClusterDiscoveryTest {

  private static final String ID = "spiffe://cluster.local/ns/default/sa/orders";

  private final ControlPlane controlPlane = new ControlPlane();
  private final IstioMesh istio = new IstioMesh();
  private final ScheduledThreadPoolExecutor scheduler =
      new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "mesh4j-xds-test-timer"));
  private final ManagedChannel channel =
      NettyChannelBuilder.forAddress("127.0.0.1", controlPlane.port()).usePlaintext().build();
  private final XdsClient client = new XdsClient(channel, Node.newBuilder().setId("frontend-1").build(),
      XdsValidators.all(), scheduler, MeshClock.SYSTEM, new NoEvents(), XdsClientSettings.DEFAULTS);
  private final XdsOverlayTest.HandDrivenOverlay core = new XdsOverlayTest.HandDrivenOverlay();
  private final List<DiscoveryUpdate> updates = new CopyOnWriteArrayList<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private ClusterDiscovery discovery;

  @AfterEach
  void close() throws InterruptedException {
    if (discovery != null) {
      discovery.close();
    }
    client.close();
    controlPlane.close();
    scheduler.shutdownNow();
    scheduler.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void whenTheTlsKeysOfAClusterAreRejectedItsRequestsAreRefusedNotSentUnderThePlaintextKeys() {
    String cluster = IstioMesh.cluster("v1");
    controlPlane.publish(istio.cluster(IstioMesh.edsCluster(cluster).build(), List.of(1)).snapshot());
    discovery = new ClusterDiscovery("orders", cluster, client, new XdsOverlay(core),
        new ClusterKeyFilter(true, true, service -> null), new ConcurrentHashMap<>(), new ConcurrentHashMap<>(),
        ServiceAttributes.EMPTY, new Recording(), false);
    await().atMost(Duration.ofSeconds(10)).until(() -> core.sets.size() == 1);
    assertThat(core.sets.get(0)).containsEntry("mesh.services.orders.tls.mode", "disabled");
    core.results.get(0).complete(null);
    await().atMost(Duration.ofSeconds(10)).until(() -> !updates.isEmpty());
    assertThat(updates.get(0).endpoints()).hasSize(1);

    // the cluster now asks for mTLS, and the mesh rejects the keys: plaintext keys stay in force
    controlPlane.publish(istio.cluster(IstioMesh.edsCluster(cluster)
        .setTransportSocket(IstioMesh.istioMtls(ID)).build(), List.of(1)).snapshot());
    await().atMost(Duration.ofSeconds(10)).until(() -> core.sets.size() == 2);
    core.results.get(1).completeExceptionally(new IllegalStateException("mesh.services.orders.tls.mode: rejected"));

    await().atMost(Duration.ofSeconds(10)).until(() -> updates.size() == 2);
    DiscoveryUpdate refused = updates.get(1);
    assertThat(refused.endpoints()).isEmpty();
    RouteDecision decision = refused.attributes().get(ServiceAttributes.REQUEST_ROUTER)
        .route(new Request.Builder().url("http://orders/").build());
    assertThat(decision.isNoRoute()).isTrue();
    assertThat(decision.reason()).contains(cluster).contains("rejected");
  }

  @Test
  void closingTheOldWatchOfAResubscribedServiceKeepsTheNewWatchsRefusalAndReadiness() {
    String cluster = IstioMesh.cluster("v1");
    controlPlane.publish(istio.cluster(IstioMesh.edsCluster(cluster).setTransportSocket(IstioMesh.istioMtls(ID))
        .build(), List.of(1)).snapshot());
    ConcurrentHashMap<String, Refusal> refusals = new ConcurrentHashMap<>();
    ConcurrentHashMap<String, java.util.concurrent.CompletableFuture<Void>> readiness = new ConcurrentHashMap<>();
    ClusterKeyFilter withoutMeshTls = new ClusterKeyFilter(false, true, service -> null);
    XdsOverlay overlay = new XdsOverlay(core);
    ClusterDiscovery old = new ClusterDiscovery("orders", cluster, client, overlay, withoutMeshTls, refusals, readiness,
        ServiceAttributes.EMPTY, new Recording(), false);
    await().atMost(Duration.ofSeconds(10)).until(() -> refusals.containsKey("orders"));
    discovery = new ClusterDiscovery("orders", cluster, client, overlay, withoutMeshTls, refusals, readiness,
        ServiceAttributes.EMPTY, new Recording(), false);
    await().atMost(Duration.ofSeconds(10)).until(() -> refusals.get("orders") != null && updates.size() == 2);
    Refusal newest = refusals.get("orders");
    java.util.concurrent.CompletableFuture<Void> newestReady = readiness.get("orders");

    old.close();

    assertThat(refusals.get("orders")).isSameAs(newest);
    assertThat(readiness.get("orders")).isSameAs(newestReady);
    discovery.close();
    assertThat(refusals).isEmpty();
    assertThat(readiness).isEmpty();
  }

  private final class Recording implements DiscoveryListener {
    @Override
    public void onUpdate(DiscoveryUpdate update) {
      updates.add(update);
    }

    @Override
    public void onError(Throwable error) {
      errors.add(error);
    }
  }

  private static final class NoEvents implements MeshEvents {
    @Override
    public void publish(MeshEvent event) {}

    @Override
    public Subscription subscribe(MeshEventListener listener) {
      throw new UnsupportedOperationException();
    }
  }
}
