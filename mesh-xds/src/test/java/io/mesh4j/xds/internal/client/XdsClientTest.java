package io.mesh4j.xds.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.mesh4j.time.MeshClock;
import io.mesh4j.xds.XdsResourceAccepted;
import io.mesh4j.xds.XdsResourceRejected;
import io.mesh4j.xds.XdsStreamConnected;
import io.mesh4j.xds.XdsStreamFailed;
import io.mesh4j.xds.internal.client.XdsClientStatus.StreamState;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class XdsClientTest {

  private static final Node NODE =
      Node.newBuilder().setId("sidecar~10.0.0.5~frontend-1.default~default.svc.cluster.local").setCluster("frontend").build();

  /** CDS validation for the tests: a connect timeout over a minute is "invalid". */
  private static final ResourceValidator<Cluster> CLUSTER_VALIDATOR =
      cluster ->
          cluster.getConnectTimeout().getSeconds() > 60
              ? List.of("connect_timeout: " + cluster.getConnectTimeout().getSeconds() + "s is over 60s")
              : List.of();

  private static final XdsClientSettings FAST =
      XdsClientSettings.DEFAULTS
          .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
          .withNackDamping(Duration.ofMillis(500), Duration.ofSeconds(30));

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final RecordingEvents events = new RecordingEvents();
  private ScheduledThreadPoolExecutor scheduler;

  @BeforeEach
  void startScheduler() {
    scheduler = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "mesh4j-xds-test-timer"));
    scheduler.setRemoveOnCancelPolicy(true);
    RecordingWatcher.maxRunning.set(0);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    scheduler.shutdownNow();
    scheduler.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void acksEachResponseWithItsVersionAndNonceAndSendsTheNodeOnEveryRequest() {
    TestControlPlane server = server(TestControlPlane.start(0));
    server.publish(snapshot("v1", List.of(cluster("orders", 5)), List.of(endpoints("orders", 8080))));
    XdsClient client = client(server.port(), FAST);
    RecordingWatcher<Cluster> clusterWatcher = new RecordingWatcher<>();
    RecordingWatcher<ClusterLoadAssignment> endpointWatcher = new RecordingWatcher<>();

    client.watch(XdsResourceType.CLUSTER, "orders", clusterWatcher);
    client.watch(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, "orders", endpointWatcher);
    await().untilAsserted(() -> assertThat(endpointWatcher.resources).hasSize(1));
    server.publish(snapshot("v2", List.of(cluster("orders", 7)), List.of(endpoints("orders", 8081))));

    await().untilAsserted(() -> assertThat(clusterWatcher.last().getConnectTimeout().getSeconds()).isEqualTo(7));
    await().untilAsserted(() -> assertThat(ackOf(server, XdsResourceType.CLUSTER, "v2")).isNotNull());
    DiscoveryResponse v2 = responseOf(server, XdsResourceType.CLUSTER, "v2");
    DiscoveryRequest ack = ackOf(server, XdsResourceType.CLUSTER, "v2");
    assertThat(ack.getResponseNonce()).isEqualTo(v2.getNonce()).isNotEmpty();
    assertThat(ack.getResourceNamesList()).containsExactly("orders");
    assertThat(ack.hasErrorDetail()).isFalse();
    await().untilAsserted(() -> assertThat(ackOf(server, XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, "v2")).isNotNull());
    assertThat(server.requests()).hasSizeGreaterThanOrEqualTo(6).allSatisfy(r -> assertThat(r.getNode()).isEqualTo(NODE));
    await().untilAsserted(() -> assertThat(client.status().type(XdsResourceType.CLUSTER).ackedVersion()).isEqualTo("v2"));
    assertThat(client.status().type(XdsResourceType.CLUSTER).lastNonce()).isEqualTo(v2.getNonce());
    assertThat(client.status().stream()).isEqualTo(StreamState.CONNECTED);
    assertThat(events.of(XdsResourceAccepted.class))
        .contains(new XdsResourceAccepted(XdsResourceType.CLUSTER.typeUrl(), "v2", v2.getNonce(), List.of("orders")));
    assertThat(events.of(XdsStreamConnected.class)).hasSize(1);
    assertThat(RecordingWatcher.maxRunning).hasValue(1);
  }

  @Test
  void nacksAllInvalidResourcesOfAResponseInOneNackAndStillAppliesTheValidOnes() {
    TestControlPlane server = server(TestControlPlane.start(0));
    server.publish(snapshot("v1", List.of(cluster("a", 5), cluster("b", 5), cluster("c", 5)), List.of()));
    XdsClient client = client(server.port(), FAST);
    RecordingWatcher<Cluster> a = new RecordingWatcher<>();
    RecordingWatcher<Cluster> b = new RecordingWatcher<>();
    RecordingWatcher<Cluster> c = new RecordingWatcher<>();
    client.watch(XdsResourceType.CLUSTER, "a", a);
    client.watch(XdsResourceType.CLUSTER, "b", b);
    client.watch(XdsResourceType.CLUSTER, "c", c);
    await().untilAsserted(() -> assertThat(List.of(a, b, c)).allSatisfy(w -> assertThat(w.resources).hasSize(1)));

    server.publish(snapshot("v2", List.of(cluster("a", 6), cluster("b", 3600), cluster("c", 7200)), List.of()));

    await().untilAsserted(() -> assertThat(server.nacks(XdsResourceType.CLUSTER)).isNotEmpty());
    DiscoveryRequest nack = server.nacks(XdsResourceType.CLUSTER).get(0);
    assertThat(nack.getVersionInfo()).isEqualTo("v1"); // the last ACKed version
    assertThat(nack.getResponseNonce()).isEqualTo(responseOf(server, XdsResourceType.CLUSTER, "v2").getNonce());
    assertThat(nack.getErrorDetail().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT.value());
    assertThat(nack.getErrorDetail().getMessage())
        .isEqualTo("b: connect_timeout: 3600s is over 60s; c: connect_timeout: 7200s is over 60s");
    await().untilAsserted(() -> assertThat(a.last().getConnectTimeout().getSeconds()).isEqualTo(6));
    await().untilAsserted(() -> assertThat(b.errors).singleElement().asString().contains("b version v2 rejected"));
    assertThat(b.resources).singleElement().satisfies(r -> assertThat(r.getConnectTimeout().getSeconds()).isEqualTo(5));
    assertThat(b.doesNotExist).isEmpty();
    assertThat(a.errors).isEmpty();
    await().until(() -> client.status().type(XdsResourceType.CLUSTER).lastNack().isPresent());
    XdsClientStatus.TypeStatus cds = client.status().type(XdsResourceType.CLUSTER);
    assertThat(cds.ackedVersion()).isEqualTo("v1");
    assertThat(cds.lastNack()).hasValueSatisfying(n -> assertThat(n.version()).isEqualTo("v2"));
    assertThat(cds.resources())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "a", XdsClientStatus.ResourceState.ACKED,
                "b", XdsClientStatus.ResourceState.NACKED,
                "c", XdsClientStatus.ResourceState.NACKED));
    assertThat(events.of(XdsResourceRejected.class))
        .first()
        .isEqualTo(
            new XdsResourceRejected(
                XdsResourceType.CLUSTER.typeUrl(), "v2", nack.getResponseNonce(), nack.getErrorDetail().getMessage()));
  }

  @Test
  void dampsTheNackStormOfAServerThatResendsTheRejectedVersionAndRecoversWithTheNextGoodOne() {
    TestControlPlane server = server(TestControlPlane.start(0));
    server.publish(snapshot("v1", List.of(cluster("a", 3600)), List.of()));
    XdsClient client = client(server.port(), FAST); // damping 0.5 s doubling: NACKs at 0, 0.5, 1.5, 3.5 s
    RecordingWatcher<Cluster> a = new RecordingWatcher<>();
    client.watch(XdsResourceType.CLUSTER, "a", a);
    await().untilAsserted(() -> assertThat(server.nacks(XdsResourceType.CLUSTER)).isNotEmpty());

    // undamped, SimpleCache and the client exchange hundreds of NACKs a second
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.nacks(XdsResourceType.CLUSTER).size() <= 4);
    assertThat(a.resources).isEmpty();
    assertThat(a.errors).isNotEmpty();

    server.publish(snapshot("v2", List.of(cluster("a", 5)), List.of()));
    await().atMost(Duration.ofSeconds(35)).untilAsserted(() -> assertThat(a.resources).hasSize(1));
    await().untilAsserted(() -> assertThat(client.status().type(XdsResourceType.CLUSTER).ackedVersion()).isEqualTo("v2"));
  }

  @Test
  void reportsANameTheServerNeverAnswersAsMissingAfterTheTimeoutAndDeliversItWhenItAppears() {
    TestControlPlane server = server(TestControlPlane.start(0));
    server.publish(snapshot("v1", List.of(cluster("a", 5)), List.of()));
    XdsClient client = client(server.port(), FAST.withResourceTimeout(Duration.ofMillis(300)));
    RecordingWatcher<Cluster> ghost = new RecordingWatcher<>();

    client.watch(XdsResourceType.CLUSTER, "ghost", ghost);

    await().untilAsserted(() -> assertThat(ghost.doesNotExist).containsExactly("ghost"));
    await()
        .untilAsserted(
            () ->
                assertThat(client.status().type(XdsResourceType.CLUSTER).resources())
                    .containsEntry("ghost", XdsClientStatus.ResourceState.DOES_NOT_EXIST));
    RecordingWatcher<Cluster> late = new RecordingWatcher<>();
    client.watch(XdsResourceType.CLUSTER, "ghost", late);
    await().untilAsserted(() -> assertThat(late.doesNotExist).containsExactly("ghost"));
    server.publish(snapshot("v2", List.of(cluster("a", 5), cluster("ghost", 5)), List.of()));
    await().untilAsserted(() -> assertThat(ghost.resources).hasSize(1));
    assertThat(late.resources).hasSize(1);
  }

  @Test
  void startsTheMissingResourceTimerOnlyOnAConnectedStream() throws Exception {
    int nobodyListens;
    try (ServerSocket socket = new ServerSocket(0)) {
      nobodyListens = socket.getLocalPort();
    }
    XdsClient client = client(nobodyListens, FAST.withResourceTimeout(Duration.ofMillis(200)));
    RecordingWatcher<Cluster> a = new RecordingWatcher<>();

    client.watch(XdsResourceType.CLUSTER, "a", a);

    await().untilAsserted(() -> assertThat(a.errors).isNotEmpty());
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> a.doesNotExist.isEmpty());
    assertThat(client.status().stream()).isIn(StreamState.CONNECTING, StreamState.BACKING_OFF);
    assertThat(events.of(XdsStreamFailed.class)).hasSizeGreaterThan(1);
    assertThat(a.errors).hasSize(1); // once per outage, not per attempt
  }

  @Test
  void reportsAClusterAbsentFromAFullCdsResponseAsRemovedButNotAnEndpointAbsentFromAnEdsResponse() {
    TestControlPlane server = server(TestControlPlane.startAnsweringPartialRequests(0));
    server.publish(
        snapshot("v1", List.of(cluster("a", 5), cluster("b", 5)), List.of(endpoints("a", 1), endpoints("b", 2))));
    XdsClient client = client(server.port(), FAST);
    RecordingWatcher<Cluster> a = new RecordingWatcher<>();
    RecordingWatcher<Cluster> b = new RecordingWatcher<>();
    RecordingWatcher<ClusterLoadAssignment> bEndpoints = new RecordingWatcher<>();
    client.watch(XdsResourceType.CLUSTER, "a", a);
    client.watch(XdsResourceType.CLUSTER, "b", b);
    client.watch(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, "b", bEndpoints);
    await().untilAsserted(() -> assertThat(List.of(a, b)).allSatisfy(w -> assertThat(w.resources).hasSize(1)));
    await().untilAsserted(() -> assertThat(bEndpoints.resources).hasSize(1));

    server.publish(snapshot("v2", List.of(cluster("a", 5)), List.of(endpoints("a", 1))));

    await().untilAsserted(() -> assertThat(b.doesNotExist).containsExactly("b"));
    await().untilAsserted(() -> assertThat(ackOf(server, XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, "v2")).isNotNull());
    assertThat(a.doesNotExist).isEmpty();
    assertThat(bEndpoints.doesNotExist).isEmpty();
    server.publish(snapshot("v3", List.of(cluster("a", 5), cluster("b", 9)), List.of()));
    await().untilAsserted(() -> assertThat(b.last().getConnectTimeout().getSeconds()).isEqualTo(9));
  }

  @Test
  void reconnectsToARestartedServerResubscribesWithTheLastAckedVersionAndGetsTheNewOne() throws Exception {
    TestControlPlane first = TestControlPlane.start(0);
    int port = first.port();
    first.publish(snapshot("v1", List.of(cluster("a", 5)), List.of()));
    XdsClient client = client(port, FAST);
    RecordingWatcher<Cluster> a = new RecordingWatcher<>();
    client.watch(XdsResourceType.CLUSTER, "a", a);
    await().untilAsserted(() -> assertThat(a.resources).hasSize(1));

    first.close();

    await().untilAsserted(() -> assertThat(a.errors).isNotEmpty());
    assertThat(a.doesNotExist).isEmpty();
    await().until(() -> client.status().lastStreamError() != null);
    TestControlPlane second = server(TestControlPlane.start(port));
    second.publish(snapshot("v2", List.of(cluster("a", 8)), List.of()));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(a.resources).hasSize(2));
    assertThat(a.last().getConnectTimeout().getSeconds()).isEqualTo(8);
    DiscoveryRequest resubscribe = second.requests(XdsResourceType.CLUSTER).get(0);
    assertThat(resubscribe.getVersionInfo()).isEqualTo("v1");
    assertThat(resubscribe.getResponseNonce()).isEmpty();
    assertThat(resubscribe.getResourceNamesList()).containsExactly("a");
    assertThat(resubscribe.getNode()).isEqualTo(NODE);
    await().until(() -> client.status().lastStreamError() == null);
  }

  @Test
  void givesANewWatcherOfAKnownResourceItAtOnceAndUnsubscribesWhenTheLastWatcherCancels() {
    TestControlPlane server = server(TestControlPlane.start(0));
    server.publish(snapshot("v1", List.of(cluster("a", 5)), List.of()));
    XdsClient client = client(server.port(), FAST.withResourceTimeout(Duration.ofMillis(300))); // the unsubscribe grace
    RecordingWatcher<Cluster> first = new RecordingWatcher<>();
    Runnable cancelFirst = client.watch(XdsResourceType.CLUSTER, "a", first);
    await().untilAsserted(() -> assertThat(first.resources).hasSize(1));
    int requestsBefore = server.requests(XdsResourceType.CLUSTER).size();

    RecordingWatcher<Cluster> second = new RecordingWatcher<>();
    Runnable cancelSecond = client.watch(XdsResourceType.CLUSTER, "a", second);

    await().untilAsserted(() -> assertThat(second.resources).hasSize(1));
    assertThat(server.requests(XdsResourceType.CLUSTER)).hasSize(requestsBefore);
    cancelFirst.run();
    cancelSecond.run();
    await()
        .untilAsserted(
            () ->
                assertThat(server.requests(XdsResourceType.CLUSTER).get(server.requests(XdsResourceType.CLUSTER).size() - 1)
                        .getResourceNamesList())
                    .isEmpty());
    await().until(() -> client.status().type(XdsResourceType.CLUSTER).subscribedNames().isEmpty());
  }

  @Test
  void aWatcherMayWatchCancelAndCloseFromInsideItsCallback() {
    TestControlPlane server = server(TestControlPlane.start(0));
    server.publish(snapshot("v1", List.of(cluster("orders", 5)), List.of(endpoints("orders", 8080))));
    XdsClient client = client(server.port(), FAST);
    RecordingWatcher<ClusterLoadAssignment> endpointWatcher = new RecordingWatcher<>();
    List<Runnable> cancels = new java.util.concurrent.CopyOnWriteArrayList<>();
    // the CDS → EDS chain the xds discovery builds: the cluster's watcher subscribes to its endpoints
    client.watch(
        XdsResourceType.CLUSTER,
        "orders",
        new RecordingWatcher<Cluster>() {
          @Override
          public void onResource(Cluster cluster) {
            cancels.forEach(Runnable::run);
            cancels.add(client.watch(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, cluster.getName(), endpointWatcher));
          }
        });
    await().untilAsserted(() -> assertThat(endpointWatcher.resources).hasSize(1));

    client.watch(
        XdsResourceType.CLUSTER_LOAD_ASSIGNMENT,
        "orders",
        new RecordingWatcher<ClusterLoadAssignment>() {
          @Override
          public void onResource(ClusterLoadAssignment endpoints) {
            client.close();
          }
        });

    await().until(() -> client.status().stream() == StreamState.CLOSED);
  }

  @Test
  void closeEndsTheStreamCancelsTimersAndTerminatesTheChannel() throws Exception {
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    TestControlPlane server = TestControlPlane.start(0);
    server.publish(snapshot("v1", List.of(cluster("a", 5)), List.of()));
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    XdsClient client =
        new XdsClient(channel, NODE, Map.of(), scheduler, MeshClock.SYSTEM, events, XdsClientSettings.DEFAULTS);
    RecordingWatcher<Cluster> a = new RecordingWatcher<>();
    RecordingWatcher<ClusterLoadAssignment> ghost = new RecordingWatcher<>();
    client.watch(XdsResourceType.CLUSTER, "a", a);
    client.watch(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, "ghost", ghost); // its 15 s timer is pending
    client.watch(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, "left", new RecordingWatcher<>()).run(); // its grace timer too
    await().untilAsserted(() -> assertThat(a.resources).hasSize(1));
    await().until(() -> !scheduler.getQueue().isEmpty());

    client.close();
    server.close();

    assertThat(channel.isTerminated()).isTrue();
    assertThat(scheduler.getQueue()).isEmpty();
    assertThat(client.status().stream()).isEqualTo(StreamState.CLOSED);
    // grpc's shared event loops and executor are released a second after their last user
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(Thread::isAlive)
                    .filteredOn(t -> !before.contains(t))
                    .filteredOn(t -> t.getName().startsWith("grpc-") || t.getName().contains("ELG"))
                    .isEmpty());
  }

  @Test
  void reportsAResourceThatExistsButWasNeverValidAsNackedNotMissingWhenTheServerDoesNotResendAfterANack() {
    TestControlPlane server = server(TestControlPlane.startIgnoringNacks(0));
    server.publish(snapshot("v1", List.of(cluster("a", 3600)), List.of()));
    XdsClient client = client(server.port(), FAST.withResourceTimeout(Duration.ofMillis(300)));
    RecordingWatcher<Cluster> a = new RecordingWatcher<>();

    client.watch(XdsResourceType.CLUSTER, "a", a);

    await().untilAsserted(() -> assertThat(server.nacks(XdsResourceType.CLUSTER)).isNotEmpty());
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> a.doesNotExist.isEmpty());
    assertThat(a.errors).singleElement().asString().contains("a version v1 rejected");
    assertThat(client.status().type(XdsResourceType.CLUSTER).resources())
        .containsEntry("a", XdsClientStatus.ResourceState.NACKED);
  }

  @Test
  void reopensAStreamThatFailsAfterEachResponseAtTheBackoffPaceAndDoesNotTellWatchersOfEachFlap() {
    TestControlPlane server = server(TestControlPlane.startFailingEachStreamAfterOneResponse(0));
    server.publish(snapshot("v1", List.of(cluster("a", 5)), List.of()));
    XdsClient client = client(server.port(), XdsClientSettings.DEFAULTS); // backoff 1 s, reset by each response
    RecordingWatcher<Cluster> a = new RecordingWatcher<>();

    client.watch(XdsResourceType.CLUSTER, "a", a);

    await().untilAsserted(() -> assertThat(a.resources).hasSize(1));
    await().until(() -> server.streamCount() >= 2); // it does fail and reconnect
    // without the backoff, ~50 streams a second
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> server.streamCount() <= 4);
    assertThat(a.errors).isEmpty(); // data flows: not an outage
    assertThat(a.resources).hasSize(1);
  }

  @Test
  void givesAWatcherThatComesBackWithinTheGracePeriodTheKnownResourceWithoutAskingTheServerAgain() {
    TestControlPlane server = server(TestControlPlane.start(0));
    server.publish(snapshot("v1", List.of(cluster("a", 5), cluster("b", 5)), List.of()));
    XdsClient client = client(server.port(), FAST.withResourceTimeout(Duration.ofSeconds(3)));
    RecordingWatcher<Cluster> a = new RecordingWatcher<>();
    RecordingWatcher<Cluster> firstB = new RecordingWatcher<>();
    client.watch(XdsResourceType.CLUSTER, "a", a);
    Runnable cancelB = client.watch(XdsResourceType.CLUSTER, "b", firstB);
    await().untilAsserted(() -> assertThat(firstB.resources).hasSize(1));
    await().until(() -> ackOf(server, XdsResourceType.CLUSTER, "v1") != null);
    cancelB.run();
    await().until(() -> client.status().type(XdsResourceType.CLUSTER).resources().size() == 2); // cancel ran
    int requestsBefore = server.requests(XdsResourceType.CLUSTER).size();

    RecordingWatcher<Cluster> secondB = new RecordingWatcher<>();
    Runnable cancelAgain = client.watch(XdsResourceType.CLUSTER, "b", secondB);

    // java-control-plane's SimpleCache never answers a name dropped and asked for again (its #339)
    await().untilAsserted(() -> assertThat(secondB.resources).hasSize(1));
    assertThat(server.requests(XdsResourceType.CLUSTER)).hasSize(requestsBefore);
    cancelAgain.run();
    await()
        .atMost(Duration.ofSeconds(6))
        .untilAsserted(() -> assertThat(lastRequest(server, XdsResourceType.CLUSTER).getResourceNamesList()).containsExactly("a"));
    assertThat(secondB.doesNotExist).isEmpty();
  }

  @Test
  void aListenerWatcherThatReWatchesItsUnchangedRouteConfigurationOnAListenerUpdateGetsItAgain() {
    TestControlPlane server = server(TestControlPlane.start(0));
    server.publish(listenerSnapshot("l1", "r1", "first", "routes1"));
    XdsClient client = client(server.port(), FAST.withResourceTimeout(Duration.ofSeconds(5)));
    List<RecordingWatcher<RouteConfiguration>> routeWatchers = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Runnable> cancels = new java.util.concurrent.CopyOnWriteArrayList<>();
    // the LDS → RDS chain the xds discovery builds: on each listener update, its route watch is redone
    client.watch(
        XdsResourceType.LISTENER,
        "l",
        new RecordingWatcher<Listener>() {
          @Override
          public void onResource(Listener listener) {
            cancels.forEach(Runnable::run);
            cancels.clear();
            RecordingWatcher<RouteConfiguration> routes = new RecordingWatcher<>();
            routeWatchers.add(routes);
            cancels.add(client.watch(XdsResourceType.ROUTE_CONFIGURATION, routeNameOf(listener), routes));
          }
        });
    await().untilAsserted(() -> assertThat(routeWatchers).singleElement().satisfies(w -> assertThat(w.resources).hasSize(1)));
    await().until(() -> ackOf(server, XdsResourceType.ROUTE_CONFIGURATION, "routes1") != null);

    server.publish(listenerSnapshot("l2", "r1", "second", "routes1")); // the routes did not change

    await().untilAsserted(() -> assertThat(routeWatchers).hasSize(2));
    await()
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(
            () -> assertThat(routeWatchers.get(1).resources).singleElement().satisfies(r -> assertThat(r.getName()).isEqualTo("r1")));
    assertThat(routeWatchers.get(1).doesNotExist).isEmpty();
  }

  @Test
  void aClusterWatcherThatReWatchesItsUnchangedEndpointsOnAClusterUpdateGetsThemAgain() {
    TestControlPlane server = server(TestControlPlane.start(0));
    server.publish(
        Snapshot.create(List.of(cluster("orders", 5)), "c1", List.of(endpoints("orders", 8080)), "e1", List.of(), "l", List.of(), "r", List.of(), "s"));
    XdsClient client = client(server.port(), FAST.withResourceTimeout(Duration.ofSeconds(5)));
    List<RecordingWatcher<ClusterLoadAssignment>> endpointWatchers = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Runnable> cancels = new java.util.concurrent.CopyOnWriteArrayList<>();
    // the CDS → EDS chain the xds discovery builds: on each cluster update, its endpoints watch is redone
    client.watch(
        XdsResourceType.CLUSTER,
        "orders",
        new RecordingWatcher<Cluster>() {
          @Override
          public void onResource(Cluster cluster) {
            cancels.forEach(Runnable::run);
            cancels.clear();
            RecordingWatcher<ClusterLoadAssignment> endpoints = new RecordingWatcher<>();
            endpointWatchers.add(endpoints);
            cancels.add(client.watch(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, cluster.getName(), endpoints));
          }
        });
    await().untilAsserted(() -> assertThat(endpointWatchers).singleElement().satisfies(w -> assertThat(w.resources).hasSize(1)));
    await().until(() -> ackOf(server, XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, "e1") != null);

    server.publish( // the endpoints did not change
        Snapshot.create(List.of(cluster("orders", 7)), "c2", List.of(endpoints("orders", 8080)), "e1", List.of(), "l", List.of(), "r", List.of(), "s"));

    await().untilAsserted(() -> assertThat(endpointWatchers).hasSize(2));
    await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(endpointWatchers.get(1).resources).hasSize(1));
    assertThat(endpointWatchers.get(1).doesNotExist).isEmpty();
  }

  @Test
  void deliversAGoodVersionPublishedWhileABadOneIsDampedWithinTheDefaultDampingMaximum() {
    Duration dampingMax = XdsClientSettings.DEFAULTS.nackDampingMax();
    TestControlPlane server = server(TestControlPlane.start(0));
    server.publish(snapshot("v1", List.of(cluster("a", 3600)), List.of()));
    // damped NACKs at 0, 0.25, 0.75, 1.75, 3.75, 7.75 s: the next interval would be 8 s without the cap
    XdsClient client = client(server.port(), FAST.withNackDamping(Duration.ofMillis(250), dampingMax));
    RecordingWatcher<Cluster> a = new RecordingWatcher<>();
    client.watch(XdsResourceType.CLUSTER, "a", a);
    await().atMost(Duration.ofSeconds(15)).until(() -> server.nacks(XdsResourceType.CLUSTER).size() >= 6);

    server.publish(snapshot("v2", List.of(cluster("a", 5)), List.of()));

    await().atMost(Duration.ofMillis(5500)).untilAsserted(() -> assertThat(a.resources).hasSize(1));
    await().untilAsserted(() -> assertThat(client.status().type(XdsResourceType.CLUSTER).resources())
        .containsEntry("a", XdsClientStatus.ResourceState.ACKED));
    assertThat(server.nacks(XdsResourceType.CLUSTER)).allSatisfy(n -> assertThat(n.getVersionInfo()).isEmpty());
    assertThat(dampingMax).isLessThanOrEqualTo(Duration.ofSeconds(4)); // NACK storm ≤ 15 a minute
  }

  @Test
  void aRollbackToTheLastGoodContentAfterARejectionMakesTheResourceAckedAgain() {
    TestControlPlane server = server(TestControlPlane.start(0));
    server.publish(snapshot("v1", List.of(cluster("a", 5)), List.of()));
    XdsClient client = client(server.port(), FAST);
    RecordingWatcher<Cluster> a = new RecordingWatcher<>();
    client.watch(XdsResourceType.CLUSTER, "a", a);
    await().untilAsserted(() -> assertThat(a.resources).hasSize(1));
    server.publish(snapshot("v2", List.of(cluster("a", 3600)), List.of()));
    await().untilAsserted(() -> assertThat(a.errors).isNotEmpty());

    server.publish(snapshot("v3", List.of(cluster("a", 5)), List.of()));

    await().until(() -> client.status().type(XdsResourceType.CLUSTER).ackedVersion().equals("v3"));
    assertThat(client.status().type(XdsResourceType.CLUSTER).resources())
        .containsEntry("a", XdsClientStatus.ResourceState.ACKED);
    assertThat(a.resources).hasSize(1); // same content as in force: not told again
  }

  @Test
  void tellsANewWatcherOfAResourceBothItsLastGoodVersionAndItsLaterRejection() {
    TestControlPlane server = server(TestControlPlane.start(0));
    server.publish(snapshot("v1", List.of(cluster("a", 5)), List.of()));
    XdsClient client = client(server.port(), FAST);
    RecordingWatcher<Cluster> first = new RecordingWatcher<>();
    client.watch(XdsResourceType.CLUSTER, "a", first);
    await().untilAsserted(() -> assertThat(first.resources).hasSize(1));
    server.publish(snapshot("v2", List.of(cluster("a", 3600)), List.of()));
    await().untilAsserted(() -> assertThat(first.errors).isNotEmpty());

    RecordingWatcher<Cluster> second = new RecordingWatcher<>();
    client.watch(XdsResourceType.CLUSTER, "a", second);

    await().untilAsserted(() -> assertThat(second.errors).isEqualTo(first.errors));
    assertThat(second.resources).isEqualTo(first.resources);
  }

  @Test
  void callsNoOtherWatcherOnceAWatcherClosedTheClientFromItsCallback() {
    TestControlPlane server = server(TestControlPlane.start(0));
    server.publish(snapshot("v1", List.of(cluster("a", 5)), List.of()));
    XdsClient client = client(server.port(), FAST);
    RecordingWatcher<Cluster> closer =
        new RecordingWatcher<>() {
          @Override
          public void onResource(Cluster cluster) {
            super.onResource(cluster);
            client.close();
          }
        };
    RecordingWatcher<Cluster> second = new RecordingWatcher<>();
    client.watch(XdsResourceType.CLUSTER, "a", closer);
    client.watch(XdsResourceType.CLUSTER, "a", second);

    await().until(() -> client.status().stream() == StreamState.CLOSED);
    assertThat(closer.resources).hasSize(1);
    assertThat(second.resources).isEmpty();
    assertThat(second.errors).isEmpty();
  }

  // ------------------------------------------------------------------ helpers

  private TestControlPlane server(TestControlPlane server) {
    toClose.add(server);
    return server;
  }

  private XdsClient client(int port, XdsClientSettings settings) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    XdsClient client =
        new XdsClient(
            channel,
            NODE,
            Map.of(XdsResourceType.CLUSTER, CLUSTER_VALIDATOR),
            scheduler,
            MeshClock.SYSTEM,
            events,
            settings);
    toClose.add(client);
    return client;
  }

  private static DiscoveryRequest lastRequest(TestControlPlane server, XdsResourceType type) {
    List<DiscoveryRequest> requests = server.requests(type);
    return requests.get(requests.size() - 1);
  }

  static String routeNameOf(Listener listener) {
    try {
      return listener.getApiListener().getApiListener().unpack(HttpConnectionManager.class).getRds().getRouteConfigName();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /** Listener "l" using the route configuration {@code routeName} over RDS, and route configurations r1 and r2. */
  static Snapshot listenerSnapshot(String listenerVersion, String routeName, String statPrefix, String routesVersion) {
    HttpConnectionManager manager =
        HttpConnectionManager.newBuilder()
            .setStatPrefix(statPrefix)
            .setRds(
                Rds.newBuilder()
                    .setRouteConfigName(routeName)
                    .setConfigSource(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
            .build();
    Listener listener =
        Listener.newBuilder()
            .setName("l")
            .setApiListener(ApiListener.newBuilder().setApiListener(com.google.protobuf.Any.pack(manager)))
            .build();
    List<RouteConfiguration> routeConfigurations =
        Stream.of("r1", "r2")
            .map(name -> RouteConfiguration.newBuilder().setName(name).addVirtualHosts(VirtualHost.newBuilder().setName(name).addDomains("*")).build())
            .toList();
    return Snapshot.create(
        List.of(), "c", List.of(), "e", List.of(listener), listenerVersion, routeConfigurations, routesVersion, List.of(), "s");
  }

  private static DiscoveryResponse responseOf(TestControlPlane server, XdsResourceType type, String version) {
    return server.responses(type).stream()
        .filter(r -> r.getVersionInfo().equals(version))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the server sent no " + type + " response of version " + version));
  }

  private static DiscoveryRequest ackOf(TestControlPlane server, XdsResourceType type, String version) {
    return server.requests(type).stream()
        .filter(r -> r.getVersionInfo().equals(version) && !r.hasErrorDetail() && !r.getResponseNonce().isEmpty())
        .findFirst()
        .orElse(null);
  }

  static Cluster cluster(String name, long connectTimeoutSeconds) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(
            Cluster.EdsClusterConfig.newBuilder()
                .setEdsConfig(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
        .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(connectTimeoutSeconds))
        .build();
  }

  static ClusterLoadAssignment endpoints(String cluster, int port) {
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(cluster)
        .addEndpoints(
            LocalityLbEndpoints.newBuilder()
                .addLbEndpoints(
                    LbEndpoint.newBuilder()
                        .setEndpoint(
                            io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                                .setAddress(
                                    io.envoyproxy.envoy.config.core.v3.Address.newBuilder()
                                        .setSocketAddress(
                                            SocketAddress.newBuilder().setAddress("10.0.0.1").setPortValue(port))))))
        .build();
  }

  static Snapshot snapshot(String version, List<Cluster> clusters, List<ClusterLoadAssignment> endpoints) {
    return Snapshot.create(clusters, endpoints, List.of(), List.of(), List.of(), version);
  }
}
