package io.mesh4j.xds.internal.bootstrap;

import static io.mesh4j.xds.internal.bootstrap.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;
import io.mesh4j.MeshException;
import io.mesh4j.testing.LeakCheck;
import io.mesh4j.testing.tls.TestCa;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channel against java-control-plane's real ADS server, over a real unix domain socket (as
 * istio-agent serves proxyless workloads) and over TCP; an ADS call through the raw stub must get the
 * snapshot's cluster, the server must see the node, and no thread may outlive the channel.
 */
class XdsChannelsTest {

  private static final String SERVER_THREADS = "test-xds-server-";

  @TempDir Path dir;

  private final ConcurrentLinkedQueue<DiscoveryRequest> seenByServer = new ConcurrentLinkedQueue<>();
  private Server server;
  private EventLoopGroup serverLoop;
  private ExecutorService serverExecutor;

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (serverLoop != null) {
      serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
    if (serverExecutor != null) {
      serverExecutor.shutdownNow();
    }
  }

  private NettyServerBuilder controlPlane(NettyServerBuilder builder) {
    SimpleCache<String> cache = new SimpleCache<>(node -> "all");
    cache.setSnapshot("all", Snapshot.create(
        List.of(Cluster.newBuilder().setName("outbound|8080||orders.default.svc.cluster.local").build()),
        List.of(), List.of(), List.of(), List.of(), "v1"));
    DiscoveryServerCallbacks callbacks = new DiscoveryServerCallbacks() {
      @Override
      public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
        seenByServer.add(request);
      }

      @Override
      public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {}
    };
    serverExecutor = Executors.newCachedThreadPool(named(SERVER_THREADS + "exec-"));
    return builder
        .executor(serverExecutor)
        .addService(new V3DiscoveryServer(callbacks, cache).getAggregatedDiscoveryServiceImpl());
  }

  private void startUnixServer(Path socket) throws Exception {
    serverLoop = new MultiThreadIoEventLoopGroup(1, named(SERVER_THREADS), EpollIoHandler.newFactory());
    server = controlPlane(NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollServerDomainSocketChannel.class)
            .bossEventLoopGroup(serverLoop).workerEventLoopGroup(serverLoop))
        .build().start();
  }

  private int startTcpServer() throws Exception {
    serverLoop = new MultiThreadIoEventLoopGroup(1, named(SERVER_THREADS), NioIoHandler.newFactory());
    server = controlPlane(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .channelType(NioServerSocketChannel.class)
            .bossEventLoopGroup(serverLoop).workerEventLoopGroup(serverLoop))
        .build().start();
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  private int startMutualTlsServer(TestCa ca) throws Exception {
    TestCa.Issued serverCert = ca.leaf().dnsNames("localhost").issue();
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server-key.pem");
    serverCert.writePem(cert, key);
    io.grpc.ServerCredentials tls = TlsServerCredentials.newBuilder()
        .keyManager(cert.toFile(), key.toFile())
        .trustManager(ca.writeCertificatePem(dir.resolve("server-ca.pem")).toFile())
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
    serverLoop = new MultiThreadIoEventLoopGroup(1, named(SERVER_THREADS), NioIoHandler.newFactory());
    server = controlPlane(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), tls)
            .channelType(NioServerSocketChannel.class)
            .bossEventLoopGroup(serverLoop).workerEventLoopGroup(serverLoop))
        .build().start();
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  @Test
  void tlsChannelCredsWithTheBootstrapsFilesMakeAMutualTlsAdsCall() throws Exception {
    TestCa ca = TestCa.root("example.org");
    int port = startMutualTlsServer(ca);
    Path caFile = ca.writeCertificatePem(dir.resolve("ca.pem"));
    Path cert = dir.resolve("client.pem");
    Path key = dir.resolve("client-key.pem");
    ca.svid("spiffe://example.org/frontend").writePem(cert, key);
    String json = "{\"xds_servers\":[{\"server_uri\":\"localhost:" + port + "\",\"channel_creds\":[{\"type\":\"tls\","
        + "\"config\":{\"ca_certificate_file\":\"" + caFile + "\",\"certificate_file\":\"" + cert + "\","
        + "\"private_key_file\":\"" + key + "\"}}]}],\"node\":{\"id\":\"sidecar~10.0.0.5~frontend-1.default~default"
        + ".svc.cluster.local\",\"metadata\":{\"GENERATOR\":\"grpc\"}}}";
    XdsBootstrap bootstrap = XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json));

    assertAdsRoundTripLeavesNoThread(bootstrap);
  }

  @Test
  void aTlsServerThatRequiresAClientCertificateRefusesTlsCredsWithoutOne() throws Exception {
    TestCa ca = TestCa.root("example.org");
    int port = startMutualTlsServer(ca);
    Path caFile = ca.writeCertificatePem(dir.resolve("ca.pem"));
    String json = "{\"xds_servers\":[{\"server_uri\":\"localhost:" + port + "\",\"channel_creds\":[{\"type\":\"tls\","
        + "\"config\":{\"ca_certificate_file\":\"" + caFile + "\"}}]}]}";
    XdsBootstrap bootstrap = XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json));
    ManagedChannel channel = XdsChannels.open(bootstrap, named(LeakCheck.THREAD_PREFIX + "xds-"));
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    try {
      AggregatedDiscoveryServiceGrpc.newStub(channel)
          .streamAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse value) {}

            @Override
            public void onError(Throwable t) {
              errors.add(t);
            }

            @Override
            public void onCompleted() {}
          })
          .onNext(DiscoveryRequest.newBuilder().setNode(bootstrap.node())
              .setTypeUrl(Resources.V3.CLUSTER_TYPE_URL).build());

      await().atMost(Duration.ofSeconds(10)).until(() -> !errors.isEmpty());
      assertThat(errors.peek()).isInstanceOf(StatusRuntimeException.class);
      assertThat(seenByServer).isEmpty();
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anAdsCallOverAUnixSocketGetsTheControlPlanesClusterAndNoThreadOutlivesTheChannel() throws Exception {
    Path socket = dir.resolve("XDS");
    startUnixServer(socket);
    XdsBootstrap bootstrap = bootstrap("unix://" + socket);
    assertThat(bootstrap.target()).isInstanceOf(XdsServerTarget.Unix.class);

    assertAdsRoundTripLeavesNoThread(bootstrap);
  }

  @Test
  void anAdsCallOverTcpWithADnsTargetGetsTheControlPlanesCluster() throws Exception {
    int port = startTcpServer();

    assertAdsRoundTripLeavesNoThread(bootstrap("dns:///localhost:" + port));
  }

  @Test
  void anAdsCallOverTcpWithHostAndPortGetsTheControlPlanesCluster() throws Exception {
    int port = startTcpServer();

    assertAdsRoundTripLeavesNoThread(bootstrap("127.0.0.1:" + port));
  }

  private static XdsBootstrap bootstrap(String server) {
    String json = "{\"xds_servers\":[{\"server_uri\":\"" + server + "\",\"channel_creds\":[{\"type\":\"insecure\"}],"
        + "\"server_features\":[\"xds_v3\"]}],\"node\":{\"id\":\"sidecar~10.0.0.5~frontend-1.default~default.svc"
        + ".cluster.local\",\"metadata\":{\"GENERATOR\":\"grpc\"}}}";
    return XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json));
  }

  private void assertAdsRoundTripLeavesNoThread(XdsBootstrap bootstrap) throws Exception {
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    LeakCheck leaks = LeakCheck.snapshot();
    ManagedChannel channel = XdsChannels.open(bootstrap, named(LeakCheck.THREAD_PREFIX + "xds-"));
    ConcurrentLinkedQueue<DiscoveryResponse> responses = new ConcurrentLinkedQueue<>();
    StreamObserver<DiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
        .streamAggregatedResources(new StreamObserver<>() {
          @Override
          public void onNext(DiscoveryResponse value) {
            responses.add(value);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    requests.onNext(DiscoveryRequest.newBuilder()
        .setNode(bootstrap.node())
        .setTypeUrl(Resources.V3.CLUSTER_TYPE_URL)
        .addResourceNames("outbound|8080||orders.default.svc.cluster.local")
        .build());

    await().atMost(Duration.ofSeconds(10)).until(() -> !responses.isEmpty());
    DiscoveryResponse response = responses.peek();
    assertThat(response.getVersionInfo()).isEqualTo("v1");
    assertThat(response.getResources(0).unpack(Cluster.class).getName())
        .isEqualTo("outbound|8080||orders.default.svc.cluster.local");
    DiscoveryRequest seen = seenByServer.peek();
    assertThat(seen.getNode().getId()).isEqualTo("sidecar~10.0.0.5~frontend-1.default~default.svc.cluster.local");
    assertThat(seen.getNode().getUserAgentName()).isEqualTo("mesh4j");
    assertThat(seen.getNode().getMetadata().getFieldsOrThrow("GENERATOR").getStringValue()).isEqualTo("grpc");

    requests.onCompleted();
    channel.shutdownNow();
    assertThat(channel.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(channel.isTerminated()).isTrue();
    leaks.assertNoNewMeshThreads();
    // nor any thread of gRPC's or netty's own (a shared executor, a timer) started for the client
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
        Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .filter(t -> !before.contains(t))
            .map(Thread::getName)
            .filter(n -> !n.startsWith(SERVER_THREADS))
            .filter(n -> !n.startsWith("awaitility")) // the thread running this very check
            .collect(Collectors.toList()))
        .isEmpty());
  }

  @Test
  void aGracefulShutdownStopsTheThreadsOnceTheChannelHasTerminated() throws Exception {
    int port = startTcpServer();
    LeakCheck leaks = LeakCheck.snapshot();
    ManagedChannel channel = XdsChannels.open(bootstrap("127.0.0.1:" + port), named(LeakCheck.THREAD_PREFIX + "xds-"));
    channel.getState(true); // connect
    await().atMost(Duration.ofSeconds(10))
        .until(() -> channel.getState(false) == io.grpc.ConnectivityState.READY);
    assertThat(LeakCheck.meshThreads()).isNotEmpty();

    channel.shutdown();

    leaks.assertNoNewMeshThreads();
    assertThat(channel.isTerminated()).isTrue();
  }

  @Test
  void tlsCredentialsUseTheJdkTrustStoreOrTheBootstrapsFiles() {
    XdsBootstrap plain = bootstrap("127.0.0.1:1");
    assertThat(XdsChannels.credentials(plain)).isInstanceOf(InsecureChannelCredentials.class);

    String tls = "{\"xds_servers\":[{\"server_uri\":\"istiod:15012\",\"channel_creds\":[{\"type\":\"tls\"}]}]}";
    XdsBootstrap jdkTrust = XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", tls));
    assertThat(XdsChannels.credentials(jdkTrust)).isInstanceOf(TlsChannelCredentials.class);

    Path missing = dir.resolve("missing-ca.pem");
    String withFiles = "{\"xds_servers\":[{\"server_uri\":\"istiod:15012\",\"channel_creds\":[{\"type\":\"tls\","
        + "\"config\":{\"ca_certificate_file\":\"" + missing + "\"}}]}]}";
    XdsBootstrap broken = XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", withFiles));
    assertThatThrownBy(() -> XdsChannels.credentials(broken))
        .isInstanceOf(MeshException.class)
        .hasMessageContaining("istiod:15012")
        .hasMessageContaining("tls channel_creds files")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void aKeyFileTheTlsCredsCannotUseFailsNamingTheFieldAndTheFilesAndLeavesNoThread() throws Exception {
    TestCa ca = TestCa.root("example.org");
    Path caFile = ca.writeCertificatePem(dir.resolve("ca.pem"));
    Path cert = dir.resolve("client.pem");
    Path key = dir.resolve("client-key.pem");
    ca.svid("spiffe://example.org/frontend").writePem(cert, key);
    java.nio.file.Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
    String json = "{\"xds_servers\":[{\"server_uri\":\"localhost:1\",\"channel_creds\":[{\"type\":\"google_default\"},"
        + "{\"type\":\"tls\",\"config\":{\"ca_certificate_file\":\"" + caFile + "\",\"certificate_file\":\"" + cert
        + "\",\"private_key_file\":\"" + key + "\"}}]}]}";
    XdsBootstrap bootstrap = XdsBootstrapLoader.load(config(), Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", json));
    LeakCheck leaks = LeakCheck.snapshot();

    assertThatThrownBy(() -> XdsChannels.open(bootstrap, named(LeakCheck.THREAD_PREFIX + "xds-")))
        .isInstanceOf(MeshException.class)
        .hasMessageContaining("xds_servers[0].channel_creds[1].config")
        .hasMessageContaining("private_key_file=" + key)
        .hasMessageContaining("certificate_file=" + cert);
    leaks.assertNoNewMeshThreads();
  }

  @Test
  void awaitingTerminationOnOneOfTheChannelsOwnThreadsWaitsOnlyForWhatCanEnd() throws Exception {
    LeakCheck leaks = LeakCheck.snapshot();
    ManagedChannel channel = XdsChannels.open(bootstrap("127.0.0.1:1"), named(LeakCheck.THREAD_PREFIX + "xds-"));
    java.util.concurrent.atomic.AtomicReference<Object> awaited = new java.util.concurrent.atomic.AtomicReference<>();
    // nothing listens on port 1: the call fails and its callback runs on the channel's executor
    AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryResponse value) {}

      @Override
      public void onError(Throwable t) {
        channel.shutdownNow();
        try {
          awaited.set(channel.awaitTermination(1, TimeUnit.MINUTES));
        } catch (InterruptedException e) {
          awaited.set(e);
        }
      }

      @Override
      public void onCompleted() {}
    }).onNext(DiscoveryRequest.getDefaultInstance());

    // without the own-thread check this waits the whole minute for its own pool and answers false
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(awaited.get()).isEqualTo(true));
    assertThat(channel.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    leaks.assertNoNewMeshThreads();
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
