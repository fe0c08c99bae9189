package io.mesh4j.discovery.etcd;

import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.testing.ExternalProcess;
import io.mesh4j.testing.discovery.DiscoveryProviderConformanceSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The discovery conformance suite against a real etcd, endpoints written with etcdctl. */
class EtcdConformanceTest extends DiscoveryProviderConformanceSuite {

  private static Path dir;
  private static EtcdServer etcd;

  /** Each test writes under a prefix of its own, so they share one etcd. */
  private final String prefix = "/conformance-" + UUID.randomUUID() + "/";

  @BeforeAll
  static void startEtcd() throws Exception {
    dir = Files.createTempDirectory("etcd-conformance");
    etcd = EtcdServer.start(dir);
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  @AfterEach
  void restartIfBroken() throws Exception {
    if (etcd != null && !etcd.isRunning()) {
      etcd.restart();
    }
  }

  @Override
  protected DiscoveryProvider provider() {
    return new EtcdDiscoveryProvider();
  }

  @Override
  protected Map<String, String> publish(String service, List<Endpoint> endpoints) throws Exception {
    for (Endpoint e : endpoints) {
      etcd.putEndpoint(prefix + service + "/" + e.authority(), e);
    }
    Map<String, String> p = new HashMap<>();
    p.put("mesh.discovery.etcd.endpoints", etcd.url());
    p.put("mesh.discovery.etcd.prefix", prefix);
    p.put("mesh.services." + service + ".discovery", "etcd");
    return p;
  }

  @Override
  protected boolean republish(String service, List<Endpoint> endpoints) throws Exception {
    etcd.replace(prefix + service + "/", endpoints); // one transaction: one complete snapshot
    return true;
  }

  @Override
  protected Set<Attribute> supportedAttributes() {
    return EnumSet.allOf(Attribute.class);
  }

  @Override
  protected boolean breakBackend(String service) throws Exception {
    etcd.kill();
    return true;
  }

  @Override
  protected Optional<Map<String, String>> unreachableBackend(String service) {
    return Optional.of(Map.of(
        "mesh.discovery.etcd.endpoints", "http://127.0.0.1:" + ExternalProcess.freePort(),
        "mesh.services." + service + ".discovery", "etcd"));
  }
}
