package io.mesh4j.resilience;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.resilience.internal.ClientResilience;
import io.mesh4j.resilience.internal.ResilienceConfigChecks;
import io.mesh4j.resilience.internal.ResilienceKeys;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshModule;
import java.util.List;

/**
 * mesh-resilience: circuit breakers, bulkheads, retries with budgets, deadlines, passive outlier
 * detection and active health checks. Found on the classpath with {@link java.util.ServiceLoader}.
 * Its events go to each client's event bus:
 *
 * <pre>{@code
 * MeshClient mesh = MeshClient.builder().propertiesFile(path).build();
 * mesh.events().subscribe(CircuitStateChanged.class, e -> log.info("{}", e));
 * mesh.extension(ResilienceExtension.class).orElseThrow().snapshot("orders").ifPresent(s -> ...);
 * }</pre>
 *
 * See docs/resilience.md for keys and behaviour.
 */
public final class ResilienceModule implements MeshModule {

  @Override
  public String name() {
    return "resilience";
  }

  @Override
  public String artifactId() {
    return "mesh-resilience";
  }

  @Override
  public List<ConfigKey<?>> serviceKeys() {
    return ResilienceKeys.ALL;
  }

  @Override
  public void validate(MeshConfig config, List<ConfigProblem> problems) {
    ResilienceConfigChecks.validate(config, problems);
  }

  /** A {@link ResilienceExtension}: other modules find it with {@code MeshContext.extension}. */
  @Override
  public ResilienceExtension create(MeshContext context) {
    return new ResilienceExtension(new ClientResilience(context));
  }
}
