package io.mesh4j.internal.runtime;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the mesh's own optional modules own, so that configuring a concern whose jar is missing
 * fails naming the artifact to add instead of "unknown key".
 */
final class KnownModules {

  /** artifactId → key patterns it owns ({@code *} is one service name or any key suffix). */
  static final Map<String, List<String>> KEY_PATTERNS =
      Map.of(
          "mesh-tls",
          List.of("mesh.tls.*", "mesh.services.*.identity", "mesh.defaults.identity"),
          "mesh-tracing",
          List.of("mesh.tracing.*"),
          "mesh-resilience",
          List.of(
              "mesh.services.*.retry.*",
              "mesh.services.*.circuit-breaker.*",
              "mesh.services.*.bulkhead.*",
              "mesh.services.*.outlier-detection.*",
              "mesh.services.*.health-check.*",
              "mesh.services.*.per-try-timeout",
              "mesh.defaults.retry.*",
              "mesh.defaults.circuit-breaker.*",
              "mesh.defaults.bulkhead.*",
              "mesh.defaults.outlier-detection.*",
              "mesh.defaults.health-check.*",
              "mesh.defaults.per-try-timeout"),
          "mesh-discovery",
          List.of("mesh.discovery.*"));

  /** Discovery provider names shipped by mesh-discovery. */
  static final Set<String> DISCOVERY_MODULE_PROVIDERS = Set.of("dns", "file", "etcd", "kubernetes");

  private KnownModules() {}
}
