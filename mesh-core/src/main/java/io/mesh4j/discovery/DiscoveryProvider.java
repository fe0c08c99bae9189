package io.mesh4j.discovery;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.ServiceConfig;
import java.util.List;

/**
 * A source of endpoints, found with {@link java.util.ServiceLoader} and chosen per service with
 * {@code mesh.services.<name>.discovery=<name()>}. Push-based, like gRPC's NameResolver: the
 * provider calls the context's listener whenever it learns something.
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
   * Starts watching one service. Must not block for long: do slow work on the scheduler or on
   * threads from {@link DiscoveryContext#threadFactory}. Report results through the listener.
   */
  Discovery start(DiscoveryContext context);
}
