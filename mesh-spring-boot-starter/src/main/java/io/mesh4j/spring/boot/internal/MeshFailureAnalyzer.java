package io.mesh4j.spring.boot.internal;

import io.mesh4j.IncompatibleOkHttpException;
import io.mesh4j.MeshException;
import io.mesh4j.config.MeshConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a mesh4j error at startup into Spring Boot's "APPLICATION FAILED TO START" report:
 * mesh4j's own message (for configuration, every problem with key, value, source and suggestion)
 * and what to do, instead of a chain of bean-creation exceptions.
 */
public final class MeshFailureAnalyzer extends AbstractFailureAnalyzer<MeshException> {

  static final String CONFIG_ACTION =
      "Fix the mesh.* keys named above: in application.properties/yaml, a profile, the mesh4j "
          + "properties file (mesh4j.spring.properties-file or classpath:mesh.properties), MESH_* "
          + "environment variables or -Dmesh.* system properties. Every key is described in "
          + "docs/configuration.md; mesh4j.spring.enabled=false turns the mesh off.";

  static final String OKHTTP_ACTION =
      "mesh4j needs OkHttp 5 (com.squareup.okhttp3:okhttp-jvm). Import com.squareup.okhttp3:okhttp-bom "
          + "5.x before spring-boot-dependencies, and exclude com.squareup.okhttp3:okhttp 3.x/4.x from the "
          + "dependency that brings it (Retrofit 2 brings okhttp 3.14): mvn dependency:tree -Dincludes=com.squareup.okhttp3";

  static final String OTHER_ACTION =
      "The mesh could not start; the message above names the cause. mesh4j.spring.enabled=false "
          + "starts the application without the mesh.";

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, MeshException cause) {
    String action = cause instanceof MeshConfigException ? CONFIG_ACTION
        : cause instanceof IncompatibleOkHttpException ? OKHTTP_ACTION
        : OTHER_ACTION;
    return new FailureAnalysis(cause.getMessage(), action, cause);
  }
}
