package io.mesh4j.config;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Properties a running component contributes under the user's own configuration: a discovery
 * backend (xDS, Consul, Kubernetes) turning what its control plane says into per-service keys
 * ({@code lb}, {@code outlier-detection.*}, ...) or into whole services. Each discovery backend
 * gets its own, named after its provider, from {@link
 * io.mesh4j.discovery.DiscoveryBackendContext#configOverlay()}.
 *
 * <p>Only {@code mesh.services.*} keys may be contributed. A key the user set (file, environment,
 * system properties, builder, {@code MeshClient.apply}) wins over the overlay's; the overlay keeps
 * its keys across the user's reloads.
 */
public interface ConfigOverlay {

  /** The overlay's name in messages, logs and events, e.g. {@code "overlay xds"}. */
  String source();

  /**
   * Replaces every property this overlay contributed before with these (full keys, e.g. {@code
   * "mesh.services.orders.lb" -> "ring-hash"}; an empty map withdraws them all). Applied like a
   * reload, on a thread of the mesh, never the caller's: validated with the same schema and module
   * checks, diffed, services added, updated and removed live.
   *
   * <p>Do not wait for the result on a thread that discovery or configuration changes need (a
   * discovery callback, {@code watch()}): applying may start or stop services and so call into
   * the discovery backend.
   *
   * @return completes when applied (at once when nothing changed); completes exceptionally with a
   *     {@link MeshConfigException} naming the key and the overlay's source when rejected (the
   *     previous properties of this overlay then stay in force), or with a {@link
   *     io.mesh4j.MeshClosedException} once the client is closed or shutting down
   */
  CompletableFuture<Void> set(Map<String, String> properties);
}
