package io.mesh4j.testing.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryBackendContext;
import io.mesh4j.discovery.DiscoveryContext;
import io.mesh4j.discovery.DiscoveryListener;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.DiscoveryStatus;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.EndpointHealth;
import io.mesh4j.discovery.Locality;
import io.mesh4j.testing.LeakCheck;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What every discovery provider must do, checked through a real {@link MeshClient}. A provider's
 * test subclasses this and says how to publish endpoints in its backend (and, where the backend
 * can, how to change them, break it, and point at one that is not there).
 */
public abstract class DiscoveryProviderConformanceSuite {

  /** Endpoint attributes a backend can express. */
  public enum Attribute {
    WEIGHT,
    /** Region, zone and sub-zone. */
    LOCALITY,
    /** The zone alone (an EndpointSlice's, a registration's); implied by {@link #LOCALITY}. */
    ZONE,
    PRIORITY,
    HEALTH,
    METADATA
  }

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

  /** The endpoint attributes the backend carries (weight only, by default). */
  protected Set<Attribute> supportedAttributes() {
    return EnumSet.of(Attribute.WEIGHT);
  }

  /**
   * Makes the backend fail for the service (stop the server, make the file unreadable); return
   * false when the backend cannot fail. The mesh must keep the last good endpoints and say why.
   */
  protected boolean breakBackend(String service) throws Exception {
    return false;
  }

  /**
   * Properties pointing the service at a backend that does not answer (a closed port, a
   * blackholed address), or empty when the provider has no backend to be missing.
   */
  protected Optional<Map<String, String>> unreachableBackend(String service) throws Exception {
    return Optional.empty();
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
    Endpoint second = Endpoint.of("127.0.0.1", 18082);
    List<Endpoint> endpoints =
        List.of(Endpoint.of("127.0.0.1", 18081), supportedAttributes().contains(Attribute.WEIGHT) ? second.withWeight(2) : second);
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
  void deliversTheAttributesItsBackendCarries() throws Exception {
    Set<Attribute> supported = supportedAttributes();
    Endpoint.Builder a = Endpoint.builder("127.0.0.1", 18081);
    Endpoint.Builder b = Endpoint.builder("127.0.0.1", 18082);
    if (supported.contains(Attribute.WEIGHT)) {
      a.weight(3);
    }
    if (supported.contains(Attribute.LOCALITY)) {
      a.locality(new Locality("eu", "eu-1a", ""));
      b.locality(Locality.zone("eu-1b"));
    } else if (supported.contains(Attribute.ZONE)) {
      a.locality(Locality.zone("eu-1a"));
      b.locality(Locality.zone("eu-1b"));
    }
    if (supported.contains(Attribute.PRIORITY)) {
      b.priority(1);
    }
    if (supported.contains(Attribute.HEALTH)) {
      b.health(EndpointHealth.DRAINING);
    }
    if (supported.contains(Attribute.METADATA)) {
      a.metadata("version", "v2");
    }
    List<Endpoint> endpoints = List.of(a.build(), b.build());
    RecordingProvider recording = new RecordingProvider(provider());
    try (MeshClient mesh = start(publish("orders", endpoints), recording)) {
      await()
          .atMost(propagationTimeout())
          .untilAsserted(() -> {
            assertThat(recording.lastSnapshot()).containsExactlyInAnyOrderElementsOf(endpoints);
            // the mesh applies an answer right after the recorder saw it: wait for both
            assertThat(mesh.discoveryStatus("orders").orElseThrow().discovered())
                .containsExactlyInAnyOrderElementsOf(endpoints);
          });
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
  void refreshReturnsAtOnceAndAChangeIsStillSeen() throws Exception {
    List<Endpoint> first = List.of(Endpoint.of("127.0.0.1", 18081));
    List<Endpoint> second = List.of(Endpoint.of("127.0.0.1", 18084));
    RecordingProvider recording = new RecordingProvider(provider());
    try (MeshClient mesh = start(publish("orders", first), recording)) {
      await().atMost(propagationTimeout()).until(() -> first.equals(sorted(recording.lastSnapshot())));
      boolean changed = republish("orders", second);
      // the mesh calls refresh() from its scheduler after a failed connection: it must not block
      assertTimeoutPreemptively(Duration.ofSeconds(1), () -> recording.discoveries.forEach(Discovery::refresh));
      if (changed) {
        await().atMost(propagationTimeout()).until(() -> second.equals(sorted(recording.lastSnapshot())));
      }
    }
  }

  @Test
  void keepsTheLastGoodEndpointsAndSaysWhyWhenTheBackendFails() throws Exception {
    List<Endpoint> endpoints = List.of(Endpoint.of("127.0.0.1", 18081), Endpoint.of("127.0.0.1", 18082));
    RecordingProvider recording = new RecordingProvider(provider());
    try (MeshClient mesh = start(publish("orders", endpoints), recording)) {
      await().atMost(propagationTimeout()).until(() -> endpoints.equals(sorted(recording.lastSnapshot())));
      if (!breakBackend("orders")) {
        return;
      }
      await()
          .atMost(propagationTimeout())
          .untilAsserted(
              () -> {
                DiscoveryStatus status = mesh.discoveryStatus("orders").orElseThrow();
                assertThat(status.lastError()).as("the backend's failure is reported").isNotNull();
                assertThat(status.lastError().getMessage()).as("and says what failed").isNotBlank();
                assertThat(status.discovered()).containsExactlyInAnyOrderElementsOf(endpoints);
                assertThat(status.eligible()).containsExactlyInAnyOrderElementsOf(endpoints);
              });
    }
  }

  @Test
  void startReturnsAtOnceWhenTheBackendIsUnreachable() throws Exception {
    Optional<Map<String, String>> unreachable = unreachableBackend("orders");
    if (unreachable.isEmpty()) {
      return;
    }
    Map<String, String> properties = new HashMap<>(unreachable.get());
    properties.put("mesh.services.orders.discovery.initial-wait", "1s");
    RecordingProvider recording = new RecordingProvider(provider());
    LeakCheck leaks = LeakCheck.snapshot();
    // startup never waits for discovery: requests do, up to discovery.initial-wait
    MeshClient mesh = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> start(properties, recording));
    try {
      assertThat(recording.snapshots).as("no endpoints from a backend that is not there").isEmpty();
    } finally {
      mesh.close();
    }
    leaks.assertNoNewMeshThreads();
  }

  @Test
  void opensOneBackendPerClientSharedByItsServices() throws Exception {
    Map<String, String> properties = new HashMap<>(publish("orders", List.of(Endpoint.of("127.0.0.1", 18081))));
    properties.putAll(publish("payments", List.of(Endpoint.of("127.0.0.1", 18082))));
    RecordingProvider recording = new RecordingProvider(provider());
    try (MeshClient mesh = start(properties, recording)) {
      await().atMost(propagationTimeout()).until(() -> recording.watched.get() == 2);
      assertThat(recording.opened.get()).isEqualTo(1);
    }
    assertThat(recording.closed.get()).as("the backend is closed with the client").isEqualTo(1);
  }

  @Test
  void closesTheWatchOfAServiceRemovedFromTheConfigurationAndKeepsTheBackend() throws Exception {
    Map<String, String> properties = new HashMap<>(publish("orders", List.of(Endpoint.of("127.0.0.1", 18081))));
    properties.putAll(publish("payments", List.of(Endpoint.of("127.0.0.1", 18082))));
    RecordingProvider recording = new RecordingProvider(provider());
    try (MeshClient mesh = start(properties, recording)) {
      await().atMost(propagationTimeout()).until(() -> recording.watched.get() == 2);
      Map<String, String> without = new HashMap<>();
      properties.forEach((k, v) -> {
        if (!k.startsWith("mesh.services.orders.")) {
          without.put(k, v);
        }
      });
      without.put("mesh.service", "conformance");

      mesh.apply(mesh.configLoader().source(io.mesh4j.config.PropertySource.fromMap(without, "conformance")).load());

      assertThat(recording.watchesClosed).containsExactly("orders");
      assertThat(recording.closed.get()).as("the backend serves the other services still").isZero();
      assertThat(mesh.discoveryStatus("payments")).isPresent();
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
        .sorted(Comparator.comparing(Endpoint::host).thenComparingInt(Endpoint::port))
        .collect(Collectors.toList());
  }

  /** Wraps the provider under test to record what it tells the mesh and what the mesh asks of it. */
  private static final class RecordingProvider implements DiscoveryProvider {
    final DiscoveryProvider delegate;
    final List<List<Endpoint>> snapshots = new CopyOnWriteArrayList<>();
    final List<Discovery> discoveries = new CopyOnWriteArrayList<>();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger watched = new AtomicInteger();
    final List<String> watchesClosed = new CopyOnWriteArrayList<>();

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
    public List<ConfigKey<?>> serviceKeys() {
      return delegate.serviceKeys();
    }

    @Override
    public List<ConfigKey<?>> globalKeys() {
      return delegate.globalKeys();
    }

    @Override
    public void validate(ServiceConfig service, List<ConfigProblem> problems) {
      delegate.validate(service, problems);
    }

    @Override
    public DiscoveryBackend open(DiscoveryBackendContext context) {
      opened.incrementAndGet();
      DiscoveryBackend backend = delegate.open(context);
      return new DiscoveryBackend() {
        @Override
        public Discovery watch(DiscoveryContext service) {
          watched.incrementAndGet();
          Discovery d = backend.watch(new RecordingContext(service, snapshots));
          discoveries.add(d);
          return new Discovery() {
            @Override
            public void refresh() {
              d.refresh();
            }

            @Override
            public void close() {
              watchesClosed.add(service.serviceName());
              d.close();
            }
          };
        }

        @Override
        public void close() {
          closed.incrementAndGet();
          backend.close();
        }
      };
    }
  }

  /** A service's context whose listener records each update before the mesh gets it. */
  private record RecordingContext(DiscoveryContext delegate, List<List<Endpoint>> snapshots)
      implements DiscoveryContext, DiscoveryListener {

    @Override
    public String serviceName() {
      return delegate.serviceName();
    }

    @Override
    public ServiceConfig config() {
      return delegate.config();
    }

    @Override
    public DiscoveryListener listener() {
      return this;
    }

    @Override
    public void onUpdate(DiscoveryUpdate update) {
      if (delegate.serviceName().equals("orders")) {
        snapshots.add(List.copyOf(update.endpoints()));
      }
      delegate.listener().onUpdate(update);
    }

    @Override
    public void onError(Throwable error) {
      delegate.listener().onError(error);
    }
  }
}
