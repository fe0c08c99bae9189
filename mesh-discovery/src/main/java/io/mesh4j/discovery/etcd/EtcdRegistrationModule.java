package io.mesh4j.discovery.etcd;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.etcd.internal.EtcdRegistrationExtension;
import io.mesh4j.discovery.etcd.internal.EtcdValueParsers;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import java.util.List;

/**
 * Self-registration of this workload in etcd ({@code mesh.register.enabled=true}): while the
 * client runs, {@code <prefix><mesh.service>/<address>} holds this workload's endpoint under a lease
 * kept alive, so that clients discovering {@code mesh.service} with etcd call it; {@link
 * io.mesh4j.MeshClient#close()} deletes it, and a process that dies without closing disappears
 * when the lease expires ({@code mesh.discovery.etcd.lease-ttl}).
 *
 * <p>Only etcd takes registrations: DNS, files and Kubernetes are written by their owners (a zone,
 * a deployment, the kubelet), so there is nothing for a workload to register with there.
 *
 * <p>Also checks, for the whole configuration, that {@code mesh.discovery.etcd.endpoints} is set
 * when a service uses {@code discovery=etcd}: a provider's per-service check cannot see global keys.
 */
public final class EtcdRegistrationModule implements MeshModule {

  /** {@code mesh.register.enabled}: whether this workload registers itself in etcd. */
  public static final ConfigKey<Boolean> ENABLED =
      ConfigKey.global("mesh.register.enabled", ValueParsers.bool())
          .defaultValue(Boolean.FALSE)
          .description("Register this workload (mesh.service at mesh.register.address) in etcd while the client"
              + " runs, under a lease kept alive; deregistered on close.")
          .build();

  /** {@code mesh.register.address}: the host:port other workloads should call. */
  public static final ConfigKey<Endpoint> ADDRESS =
      ConfigKey.global("mesh.register.address", EtcdValueParsers.address())
          .description("The host:port other workloads should call this one at (an address they can reach,"
              + " not 0.0.0.0). Required when mesh.register.enabled=true.")
          .build();

  /** {@code mesh.register.zone}: the zone registered with the endpoint. */
  public static final ConfigKey<String> ZONE =
      ConfigKey.global("mesh.register.zone", ValueParsers.nonEmpty())
          .description("The zone registered with this workload's endpoint, for zone-aware balancing;"
              + " default: mesh.locality.zone.")
          .build();

  @Override
  public String name() {
    return "etcd-registration";
  }

  @Override
  public String artifactId() {
    return "mesh-discovery";
  }

  @Override
  public List<ConfigKey<?>> globalKeys() {
    // the etcd keys are declared here too (the same definitions): registration reads them
    return List.of(ENABLED, ADDRESS, ZONE, EtcdDiscoveryProvider.ENDPOINTS, EtcdDiscoveryProvider.PREFIX,
        EtcdDiscoveryProvider.LEASE_TTL);
  }

  @Override
  public void validate(MeshConfig config, List<ConfigProblem> problems) {
    boolean enabled = config.get(ENABLED);
    if (enabled && !config.isSet(ADDRESS)) {
      problems.add(new ConfigProblem(ADDRESS.name(), null, null,
          "required when mesh.register.enabled=true: the host:port other workloads should call this one at"));
    }
    if (enabled && !config.isSet(EtcdDiscoveryProvider.ENDPOINTS)) {
      problems.add(new ConfigProblem(EtcdDiscoveryProvider.ENDPOINTS.name(), null, null,
          "required by mesh.register.enabled=true: etcd's client URLs, such as http://127.0.0.1:2379"));
    }
  }

  @Override
  public MeshExtension create(MeshContext context) {
    MeshConfig config = context.config();
    if (!config.get(ENABLED)) {
      return new MeshExtension() {};
    }
    return EtcdRegistrationExtension.start(config, context.threadFactory("etcd-register"));
  }
}
