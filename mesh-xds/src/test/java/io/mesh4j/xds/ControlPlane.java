package io.mesh4j.xds;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * java-control-plane's real ADS server ({@link V3DiscoveryServer} over a {@link SimpleCache}) on
 * 127.0.0.1, recording the requests it receives (ACKs and NACKs, as its callbacks see them). The
 * cache outlives a {@link #restart}, as a control plane's state outlives its process.
 */
public final class ControlPlane implements AutoCloseable {

  private static final String GROUP = "mesh4j";

  private final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  private final ConfigWatcher watcher;
  private final List<DiscoveryRequest> requests = new CopyOnWriteArrayList<>();
  private Server server;
  private int port;

  /** Strict ADS, as SimpleCache serves it: a request naming a resource missing from the snapshot gets no answer. */
  public ControlPlane() {
    this(false);
  }

  /**
   * @param answerPartialRequests answer a request with the named resources that exist (istiod's way
   *     for LDS/CDS), so that a resource removed from the snapshot reaches the client as removed
   */
  ControlPlane(boolean answerPartialRequests) {
    watcher = answerPartialRequests ? new PartialAnswers(cache) : cache;
    start(0);
  }

  private void start(int onPort) {
    V3DiscoveryServer discovery = new V3DiscoveryServer(new DiscoveryServerCallbacks() {
      @Override
      public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
        requests.add(request);
      }

      @Override
      public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {}

      @Override
      public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {}
    }, watcher);
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", onPort))
          .addService(discovery.getAggregatedDiscoveryServiceImpl())
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    port = server.getPort();
  }

  public int port() {
    return port;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  public void publish(Snapshot snapshot) {
    cache.setSnapshot(GROUP, snapshot);
  }

  List<DiscoveryRequest> requests() {
    return List.copyOf(requests);
  }

  List<DiscoveryRequest> nacks() {
    return requests.stream().filter(DiscoveryRequest::hasErrorDetail).toList();
  }

  void stop() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the server and starts a new one on the same port, with the same snapshots. */
  void restart() {
    stop();
    start(port);
  }

  @Override
  public void close() {
    stop();
  }

  /** The real cache, asked as for a non-ADS stream: it answers with the requested resources that exist. */
  private record PartialAnswers(ConfigWatcher cache) implements ConfigWatcher {
    @Override
    public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
        Consumer<Response> responseConsumer, boolean hasClusterChanged, boolean allowDefaultEmptyEdsUpdate) {
      return cache.createWatch(false, request, knownResourceNames, responseConsumer, hasClusterChanged,
          allowDefaultEmptyEdsUpdate);
    }

    @Override
    public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion,
        Map<String, String> resourceVersions, Set<String> pendingResources, boolean isWildcard,
        Consumer<DeltaResponse> responseConsumer, boolean hasClusterChanged) {
      return cache.createDeltaWatch(request, requesterVersion, resourceVersions, pendingResources, isWildcard,
          responseConsumer, hasClusterChanged);
    }
  }
}
