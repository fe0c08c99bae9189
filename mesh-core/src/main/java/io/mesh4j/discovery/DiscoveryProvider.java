package io.mesh4j.discovery;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import java.util.List;

/**
 * A source of endpoints, found with {@link java.util.ServiceLoader} and chosen per service with
 * {@code mesh.services.<name>.discovery=<name()>}. Push-based, like gRPC's NameResolver: the
 * provider calls the context's listener whenever it learns something.
 *
 * <p>Per client, {@link #open} is called once, when the first service that uses the provider
 * starts; the returned backend then {@linkplain DiscoveryBackend#watch watches} each such service
 * and is closed with the client. Neither may block the caller: the client's startup waits for a
 * first answer only up to {@code discovery.initial-wait}, per request.
 */
public interface DiscoveryProvider {

  /** The value of {@code mesh.services.<name>.discovery} that selects this provider. */
  String name();

  /** Per-service keys this provider reads (relative to {@code mesh.services.<name>.}). */
  default List<ConfigKey<?>> serviceKeys() {
    return List.of();
  }

  /** Global keys this provider reads ({@code mesh.discovery.etcd.endpoints}, ...). */
  default List<ConfigKey<?>> globalKeys() {
    return List.of();
  }

  /** Cross-key checks for one service that uses this provider. */
  default void validate(ServiceConfig service, List<ConfigProblem> problems) {}

  /**
   * Cross-key checks of this provider's global keys ({@code min-ttl <= max-ttl}, "endpoints are
   * required when a service uses me"); run once per configuration, whether or not a service uses
   * the provider, so a wrong value never waits for the first service that needs it.
   *
   * @param users the services that use this provider (possibly none)
   */
  default void validateGlobals(MeshConfig config, List<ServiceConfig> users, List<ConfigProblem> problems) {}

  /** Opens the provider's backend for one client; must not block. */
  DiscoveryBackend open(DiscoveryBackendContext context);
}
