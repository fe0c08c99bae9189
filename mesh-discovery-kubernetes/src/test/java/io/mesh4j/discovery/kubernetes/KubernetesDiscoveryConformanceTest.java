package io.mesh4j.discovery.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.EndpointHealth;
import io.mesh4j.testing.discovery.DiscoveryProviderConformanceSuite;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The discovery conformance suite against fabric8's mock API server in CRUD mode (no cluster can
 * run here). Each endpoint is an EndpointSlice of its own (a slice has one number per port name,
 * and the suite's endpoints share a host and differ by port); its conditions carry its health.
 * A change writes several slices one after the other, as Kubernetes' own controller does: the
 * provider's coalescing window (raised here to be safe on a slow machine) makes it one snapshot.
 */
class KubernetesDiscoveryConformanceTest extends DiscoveryProviderConformanceSuite {

  private static final String NAMESPACE = "default";

  @TempDir Path dir;

  private MockApiServer api;
  private final Map<String, Set<String>> slicesByService = new HashMap<>();

  @BeforeEach
  void startApiServer() {
    api = new MockApiServer();
  }

  @AfterEach
  void stopApiServer() {
    api.close();
  }

  @Override
  protected DiscoveryProvider provider() {
    return new KubernetesDiscoveryProvider();
  }

  /** Health from the conditions, the zone; EndpointSlices have no weight, priority, region or free metadata. */
  @Override
  protected Set<Attribute> supportedAttributes() {
    return EnumSet.of(Attribute.HEALTH, Attribute.ZONE);
  }

  @Override
  protected Map<String, String> publish(String service, List<io.mesh4j.discovery.Endpoint> endpoints) throws Exception {
    api.createService(NAMESPACE, service, "http:80:8080");
    writeSlices(service, endpoints);
    return properties(service, api.kubeconfig(dir, NAMESPACE));
  }

  @Override
  protected boolean republish(String service, List<io.mesh4j.discovery.Endpoint> endpoints) throws Exception {
    writeSlices(service, endpoints);
    return true;
  }

  @Override
  protected boolean breakBackend(String service) {
    api.stop();
    return true;
  }

  @Override
  protected Optional<Map<String, String>> unreachableBackend(String service) throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    return Optional.of(properties(service, MockApiServer.writeKubeconfig(dir, "http://127.0.0.1:" + closed, NAMESPACE)));
  }

  private static Map<String, String> properties(String service, Path kubeconfig) {
    return Map.of(
        "mesh.discovery.kubernetes.kubeconfig", kubeconfig.toString(),
        "mesh.discovery.kubernetes.coalesce", "1s",
        "mesh.services." + service + ".discovery", "kubernetes",
        "mesh.services." + service + ".kubernetes.port", "http");
  }

  /** One slice per endpoint, named after it; slices no longer wanted are deleted after the new ones exist. */
  private void writeSlices(String service, List<io.mesh4j.discovery.Endpoint> endpoints) {
    Set<String> wanted = new LinkedHashSet<>();
    for (io.mesh4j.discovery.Endpoint e : endpoints) {
      String name = service + "-" + e.host().replace('.', '-').replace(':', '-') + "-" + e.port();
      wanted.add(name);
      // no target pod: the suite's endpoints carry no metadata
      EndpointBuilder b = new EndpointBuilder().withAddresses(e.host());
      if (!e.locality().zone().isEmpty()) {
        b.withZone(e.locality().zone());
      }
      if (e.health() == EndpointHealth.DRAINING) {
        b.withNewConditions().withReady(false).withServing(true).withTerminating(true).endConditions();
      } else if (e.health() == EndpointHealth.UNHEALTHY) {
        b.withNewConditions().withReady(false).withServing(false).withTerminating(false).endConditions();
      }
      Endpoint endpoint = b.build();
      api.putSlice(NAMESPACE, name, service, List.of(MockApiServer.port("http", e.port())), List.of(endpoint));
    }
    for (String old : slicesByService.getOrDefault(service, Set.of())) {
      if (!wanted.contains(old)) {
        api.deleteSlice(NAMESPACE, old);
      }
    }
    slicesByService.put(service, wanted);
  }
}
