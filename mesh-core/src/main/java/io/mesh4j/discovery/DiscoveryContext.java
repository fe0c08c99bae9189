package io.mesh4j.discovery;

import io.mesh4j.config.ServiceConfig;

/** What the mesh lends a {@link DiscoveryBackend} to watch one service. */
public interface DiscoveryContext {

  String serviceName();

  /** The service's configuration, for the provider's own per-service keys. */
  ServiceConfig config();

  /** Where to push snapshots and errors. */
  DiscoveryListener listener();
}
