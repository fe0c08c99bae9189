package io.mesh4j.benchmarks;

import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;

/**
 * Stands in for a module whose jar is on the benchmarks' classpath but must stay out of a
 * measurement: {@code MeshClient.Builder.module} replaces the module found with the same
 * artifactId, and this one declares no keys and contributes nothing to the pipeline.
 */
public final class AbsentModule implements MeshModule {

  private final String artifactId;

  private AbsentModule(String artifactId) {
    this.artifactId = artifactId;
  }

  /** Keeps mesh-resilience (retries, breakers, outlier detection) out of a client. */
  public static AbsentModule resilience() {
    return of("mesh-resilience");
  }

  /** Keeps the module shipped by this artifact ({@code mesh-tls}, {@code mesh-tracing}) out. */
  public static AbsentModule of(String artifactId) {
    return new AbsentModule(artifactId);
  }

  @Override
  public String name() {
    return "absent-" + artifactId;
  }

  @Override
  public String artifactId() {
    return artifactId;
  }

  @Override
  public MeshExtension create(MeshContext context) {
    return new MeshExtension() {};
  }
}
