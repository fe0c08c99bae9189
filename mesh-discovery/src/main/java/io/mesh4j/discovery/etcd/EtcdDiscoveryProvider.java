package io.mesh4j.discovery.etcd;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryBackendContext;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.etcd.internal.EtcdDiscoveryBackend;
import io.mesh4j.discovery.etcd.internal.EtcdValueParsers;
import java.time.Duration;
import java.util.List;

/**
 * Endpoints registered in etcd (v3), selected with {@code mesh.services.<name>.discovery=etcd}:
 * every key {@code <prefix><service>/<host>:<port>} holds one endpoint as JSON,
 * {@code {"host":"10.0.0.5","port":8080,"weight":2,"zone":"a","metadata":{"version":"v2"}}}.
 *
 * <p>One backend per client lists the whole prefix, then watches it from the listed revision on,
 * so no change between the two is missed; every service of the client shares that one watch. It
 * talks to etcd's JSON gateway ({@code /v3/kv/range}, {@code /v3/watch}) with OkHttp and Jackson,
 * which mesh4j already has: no gRPC, netty or guava. When etcd cannot be reached it reconnects with
 * backoff, trying each endpoint in turn, and resumes the watch where it stopped (listing again when
 * etcd has compacted that revision away) while the mesh keeps serving the last endpoints.
 */
public final class EtcdDiscoveryProvider implements DiscoveryProvider {

  public static final String NAME = "etcd";

  /** {@code mesh.discovery.etcd.endpoints}: etcd's client URLs. */
  public static final ConfigKey<List<String>> ENDPOINTS =
      ConfigKey.global("mesh.discovery.etcd.endpoints", EtcdValueParsers.endpoints())
          .description("etcd's client URLs (http://host:port, comma-separated; tried in turn when one fails)."
              + " Required when a service uses discovery=etcd or mesh.register.enabled=true.")
          .build();

  /** {@code mesh.discovery.etcd.prefix}: where endpoints are registered. */
  public static final ConfigKey<String> PREFIX =
      ConfigKey.global("mesh.discovery.etcd.prefix", EtcdValueParsers.prefix())
          .defaultValue("/mesh4j/services/")
          .description("Key prefix of registered endpoints: one key <prefix><service>/<host>:<port> per endpoint,"
              + " its value the endpoint as JSON.")
          .build();

  /** {@code mesh.discovery.etcd.lease-ttl}: how long a self-registration outlives its process. */
  public static final ConfigKey<Duration> LEASE_TTL =
      ConfigKey.global("mesh.discovery.etcd.lease-ttl", EtcdValueParsers.leaseTtl())
          .defaultValue(Duration.ofSeconds(10))
          .description("TTL of the etcd lease a self-registration (mesh.register.enabled) is kept under: a"
              + " workload that dies without deregistering disappears this long after its last keep-alive.")
          .build();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<ConfigKey<?>> globalKeys() {
    return List.of(ENDPOINTS, PREFIX, LEASE_TTL);
  }

  /** {@code mesh.discovery.etcd.endpoints} is required only when a service uses etcd. */
  @Override
  public void validateGlobals(MeshConfig config, List<ServiceConfig> users, List<ConfigProblem> problems) {
    if (!users.isEmpty() && !config.isSet(ENDPOINTS)) {
      List<String> names = users.stream().map(ServiceConfig::name).sorted().toList();
      problems.add(new ConfigProblem(ENDPOINTS.name(), null, null,
          "required by discovery=etcd (service" + (names.size() > 1 ? "s " : " ") + String.join(", ", names)
              + "): etcd's client URLs, such as http://127.0.0.1:2379"));
    }
  }

  @Override
  public DiscoveryBackend open(DiscoveryBackendContext context) {
    MeshConfig config = context.meshConfig();
    if (!config.isSet(ENDPOINTS)) {
      throw new IllegalStateException(ENDPOINTS.name() + " is not set: discovery=etcd needs etcd's client URLs");
    }
    return EtcdDiscoveryBackend.open(config.get(ENDPOINTS), config.get(PREFIX), context);
  }
}
