package io.mesh4j.spring.boot.internal;

import io.mesh4j.config.MeshConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a mesh4j configuration error at startup into Spring Boot's "APPLICATION FAILED TO START"
 * report: mesh4j's own message (every problem, with key, value, source and suggestion) instead of
 * a chain of bean-creation exceptions.
 */
public final class MeshConfigFailureAnalyzer extends AbstractFailureAnalyzer<MeshConfigException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, MeshConfigException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Fix the mesh.* keys named above: in application.properties/yaml, a profile, the mesh4j "
            + "properties file (mesh4j.spring.properties-file or classpath:mesh.properties), MESH_* "
            + "environment variables or -Dmesh.* system properties. Every key is described in "
            + "docs/configuration.md; mesh4j.spring.enabled=false turns the mesh off.",
        cause);
  }
}
