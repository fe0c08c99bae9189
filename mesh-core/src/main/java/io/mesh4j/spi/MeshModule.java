package io.mesh4j.spi;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import java.util.List;

/**
 * A concern that plugs into the mesh when its jar is on the classpath (found with {@link
 * java.util.ServiceLoader}): it declares and validates its own configuration keys, then, for each
 * {@link io.mesh4j.MeshClient}, creates a {@link MeshExtension} that contributes pipeline stages
 * and transport security.
 */
public interface MeshModule {

  /** Short name, used in logs: {@code tls}, {@code resilience}. */
  String name();

  /** The Maven artifactId that ships this module, for messages: {@code mesh-tls}. */
  String artifactId();

  /** Global keys this module owns (full names). */
  default List<ConfigKey<?>> globalKeys() {
    return List.of();
  }

  /** Per-service keys this module owns (relative to {@code mesh.services.<name>.}). */
  default List<ConfigKey<?>> serviceKeys() {
    return List.of();
  }

  /**
   * Cross-key checks that single-key parsing cannot make. Each key's value is already parsed;
   * add a problem per thing wrong rather than throwing, so the user sees them all at once.
   */
  default void validate(MeshConfig config, List<ConfigProblem> problems) {}

  /** Starts this module for one client. Everything it starts must stop in {@link MeshExtension#close()}. */
  MeshExtension create(MeshContext context);
}
