package io.mesh4j.xds.internal.client;

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
import io.envoyproxy.controlplane.server.exception.RequestException;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * java-control-plane's real gRPC ADS server ({@link V3DiscoveryServer} over a {@link SimpleCache})
 * on 127.0.0.1, recording what it receives and sends.
 */
final class TestControlPlane implements AutoCloseable {

  private static final String GROUP = "test";

  private final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  private final List<DiscoveryRequest> requests = new CopyOnWriteArrayList<>();
  private final List<DiscoveryResponse> responses = new CopyOnWriteArrayList<>();
  private final Server server;
  private final Set<Long> streams = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Strict ADS, as SimpleCache serves ADS: a request naming a resource missing from the snapshot gets no answer. */
  static TestControlPlane start(int port) {
    return new TestControlPlane(port, false);
  }

  /**
   * Answers named requests with the subject resources that exist, as istiod does for LDS/CDS (the
   * real SimpleCache with its ADS flag off): so a removal from the snapshot reaches the client.
   */
  static TestControlPlane startAnsweringPartialRequests(int port) {
    return new TestControlPlane(port, true, false, false);
  }

  /** As istiod and go-control-plane: a NACK does not make the server resend; it waits for a new version. */
  static TestControlPlane startIgnoringNacks(int port) {
    return new TestControlPlane(port, false, true, false);
  }

  /** Fails each stream with UNAVAILABLE when it receives the ACK of its first response. */
  static TestControlPlane startFailingEachStreamAfterOneResponse(int port) {
    return new TestControlPlane(port, false, false, true);
  }

  private TestControlPlane(int port, boolean answerPartialRequests) {
    this(port, answerPartialRequests, false, false);
  }

  private TestControlPlane(int port, boolean answerPartialRequests, boolean ignoreNacks, boolean failOnAck) {
    ConfigWatcher strictOrNot = answerPartialRequests ? new NonStrictAds(cache) : cache;
    ConfigWatcher watcher = ignoreNacks ? new IgnoreNacks(strictOrNot) : strictOrNot;
    V3DiscoveryServer discovery =
        new V3DiscoveryServer(
            new DiscoveryServerCallbacks() {
              @Override
              public void onV3StreamRequest(long streamId, DiscoveryRequest request) throws RequestException {
                requests.add(request);
                streams.add(streamId);
                if (failOnAck && !request.getResponseNonce().isEmpty()) {
                  throw new RequestException(io.grpc.Status.UNAVAILABLE.withDescription("test: fails after a response"));
                }
              }

              @Override
              public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {}

              @Override
              public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
                responses.add(response);
              }
            },
            watcher);
    try {
      server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
              .addService(discovery.getAggregatedDiscoveryServiceImpl())
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getPort();
  }

  void publish(Snapshot snapshot) {
    cache.setSnapshot(GROUP, snapshot);
  }

  /** How many ADS streams clients opened. */
  int streamCount() {
    return streams.size();
  }

  List<DiscoveryRequest> requests() {
    return List.copyOf(requests);
  }

  List<DiscoveryRequest> requests(XdsResourceType type) {
    return requests.stream().filter(r -> r.getTypeUrl().equals(type.typeUrl())).toList();
  }

  List<DiscoveryRequest> nacks(XdsResourceType type) {
    return requests(type).stream().filter(DiscoveryRequest::hasErrorDetail).toList();
  }

  List<DiscoveryResponse> responses(XdsResourceType type) {
    return responses.stream().filter(r -> r.getTypeUrl().equals(type.typeUrl())).toList();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The real cache, asked as for a non-ADS stream (which answers with the requested resources that exist). */
  private record NonStrictAds(ConfigWatcher cache) implements ConfigWatcher {
    @Override
    public Watch createWatch(
        boolean ads,
        XdsRequest request,
        Set<String> knownResourceNames,
        Consumer<Response> responseConsumer,
        boolean hasClusterChanged,
        boolean allowDefaultEmptyEdsUpdate) {
      return cache.createWatch(
          false, request, knownResourceNames, responseConsumer, hasClusterChanged, allowDefaultEmptyEdsUpdate);
    }

    @Override
    public DeltaWatch createDeltaWatch(
        DeltaXdsRequest request,
        String requesterVersion,
        Map<String, String> resourceVersions,
        Set<String> pendingResources,
        boolean isWildcard,
        Consumer<DeltaResponse> responseConsumer,
        boolean hasClusterChanged) {
      return cache.createDeltaWatch(
          request, requesterVersion, resourceVersions, pendingResources, isWildcard, responseConsumer, hasClusterChanged);
    }
  }

  /** Leaves a NACK's watch open without answering it, so only a later request or snapshot is answered. */
  private record IgnoreNacks(ConfigWatcher cache) implements ConfigWatcher {
    @Override
    public Watch createWatch(
        boolean ads,
        XdsRequest request,
        Set<String> knownResourceNames,
        Consumer<Response> responseConsumer,
        boolean hasClusterChanged,
        boolean allowDefaultEmptyEdsUpdate) {
      if (request.hasErrorDetail()) {
        return new Watch(ads, allowDefaultEmptyEdsUpdate, request, responseConsumer);
      }
      return cache.createWatch(
          ads, request, knownResourceNames, responseConsumer, hasClusterChanged, allowDefaultEmptyEdsUpdate);
    }

    @Override
    public DeltaWatch createDeltaWatch(
        DeltaXdsRequest request,
        String requesterVersion,
        Map<String, String> resourceVersions,
        Set<String> pendingResources,
        boolean isWildcard,
        Consumer<DeltaResponse> responseConsumer,
        boolean hasClusterChanged) {
      return cache.createDeltaWatch(
          request, requesterVersion, resourceVersions, pendingResources, isWildcard, responseConsumer, hasClusterChanged);
    }
  }
}
