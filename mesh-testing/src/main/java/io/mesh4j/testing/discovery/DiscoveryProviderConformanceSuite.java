package io.mesh4j.testing.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.testing.LeakCheck;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What every discovery provider must do, checked through a real {@link MeshClient}. A provider's
 * test subclasses this and says how to publish endpoints in its backend.
 */
public abstract class DiscoveryProviderConformanceSuite {

  /** The provider under test. */
  protected abstract DiscoveryProvider provider();

  /**
   * Publishes this list for {@code service} in the backend (a file, a DNS zone, etcd keys...) and
   * returns the properties that point the mesh at it, {@code mesh.services.<service>.*} included.
   */
  protected abstract Map<String, String> publish(String service, List<Endpoint> endpoints) throws Exception;

  /** Replaces the published list; return false when the provider's backend cannot change. */
  protected boolean republish(String service, List<Endpoint> endpoints) throws Exception {
    return false;
  }

  /** How long a change may take to be seen (polling providers need more). */
  protected Duration propagationTimeout() {
    return Duration.ofSeconds(10);
  }

  private MeshClient start(Map<String, String> properties, RecordingProvider recording) {
    MeshClient.Builder b =
        MeshClient.builder()
            .service("conformance")
            .environment(Map.of())
            .systemProperties(new Properties())
            .discoveryProvider(recording);
    properties.forEach(b::property);
    return b.build();
  }

  @Test
  void deliversTheFullEndpointListFirst() throws Exception {
    List<Endpoint> endpoints =
        List.of(Endpoint.of("127.0.0.1", 18081), Endpoint.of("127.0.0.1", 18082).withWeight(2));
    RecordingProvider recording = new RecordingProvider(provider());
    try (MeshClient mesh = start(publish("orders", endpoints), recording)) {
      await()
          .atMost(propagationTimeout())
          .untilAsserted(
              () ->
                  assertThat(recording.lastSnapshot())
                      .containsExactlyInAnyOrderElementsOf(endpoints));
    }
  }

  @Test
  void deliversCompleteSnapshotsOnChange() throws Exception {
    List<Endpoint> first = List.of(Endpoint.of("127.0.0.1", 18081), Endpoint.of("127.0.0.1", 18082));
    List<Endpoint> second = List.of(Endpoint.of("127.0.0.1", 18082), Endpoint.of("127.0.0.1", 18083));
    RecordingProvider recording = new RecordingProvider(provider());
    try (MeshClient mesh = start(publish("orders", first), recording)) {
      await().atMost(propagationTimeout()).until(() -> first.equals(sorted(recording.lastSnapshot())));
      if (!republish("orders", second)) {
        return; // a backend that cannot change has nothing more to show
      }
      await().atMost(propagationTimeout()).until(() -> second.equals(sorted(recording.lastSnapshot())));
      for (List<Endpoint> snapshot : recording.snapshots) {
        assertThat(sorted(snapshot)).isIn(first, second);
      }
    }
  }

  @Test
  void stopsEverythingWhenTheMeshCloses() throws Exception {
    LeakCheck leaks = LeakCheck.snapshot();
    RecordingProvider recording = new RecordingProvider(provider());
    MeshClient mesh = start(publish("orders", List.of(Endpoint.of("127.0.0.1", 18081))), recording);
    await().atMost(propagationTimeout()).until(() -> recording.lastSnapshot() != null);
    mesh.close();
    leaks.assertNoNewMeshThreads();
    int seen = recording.snapshots.size();
    republish("orders", List.of(Endpoint.of("127.0.0.1", 18089)));
    assertThat(recording.snapshots).hasSize(seen);
  }

  private static List<Endpoint> sorted(List<Endpoint> endpoints) {
    if (endpoints == null) {
      return null;
    }
    return endpoints.stream()
        .sorted(java.util.Comparator.comparing(Endpoint::host).thenComparingInt(Endpoint::port))
        .collect(java.util.stream.Collectors.toList());
  }

  /** Wraps the provider under test to record what it tells the mesh. */
  private static final class RecordingProvider implements DiscoveryProvider {
    final DiscoveryProvider delegate;
    final List<List<Endpoint>> snapshots = new CopyOnWriteArrayList<>();

    RecordingProvider(DiscoveryProvider delegate) {
      this.delegate = delegate;
    }

    List<Endpoint> lastSnapshot() {
      return snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public List<io.mesh4j.config.ConfigKey<?>> serviceKeys() {
      return delegate.serviceKeys();
    }

    @Override
    public List<io.mesh4j.config.ConfigKey<?>> globalKeys() {
      return delegate.globalKeys();
    }

    @Override
    public void validate(io.mesh4j.config.ServiceConfig service, List<io.mesh4j.config.ConfigProblem> problems) {
      delegate.validate(service, problems);
    }

    @Override
    public io.mesh4j.discovery.Discovery start(io.mesh4j.discovery.DiscoveryContext context) {
      io.mesh4j.discovery.DiscoveryListener real = context.listener();
      io.mesh4j.discovery.DiscoveryListener recorder =
          new io.mesh4j.discovery.DiscoveryListener() {
            @Override
            public void onEndpoints(List<Endpoint> endpoints) {
              snapshots.add(List.copyOf(endpoints));
              real.onEndpoints(endpoints);
            }

            @Override
            public void onError(Throwable error) {
              real.onError(error);
            }
          };
      return delegate.start(new ForwardingContext(context, recorder));
    }
  }

  private static final class ForwardingContext implements io.mesh4j.discovery.DiscoveryContext {
    private final io.mesh4j.discovery.DiscoveryContext d;
    private final io.mesh4j.discovery.DiscoveryListener listener;

    ForwardingContext(io.mesh4j.discovery.DiscoveryContext d, io.mesh4j.discovery.DiscoveryListener listener) {
      this.d = d;
      this.listener = listener;
    }

    @Override
    public String serviceName() {
      return d.serviceName();
    }

    @Override
    public io.mesh4j.config.ServiceConfig config() {
      return d.config();
    }

    @Override
    public io.mesh4j.config.MeshConfig meshConfig() {
      return d.meshConfig();
    }

    @Override
    public io.mesh4j.time.MeshClock clock() {
      return d.clock();
    }

    @Override
    public java.util.concurrent.ScheduledExecutorService scheduler() {
      return d.scheduler();
    }

    @Override
    public java.util.concurrent.ThreadFactory threadFactory(String purpose) {
      return d.threadFactory(purpose);
    }

    @Override
    public io.mesh4j.discovery.DiscoveryListener listener() {
      return listener;
    }
  }
}
