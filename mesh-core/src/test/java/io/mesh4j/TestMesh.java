package io.mesh4j;

import java.util.Map;
import java.util.Properties;

/** A mesh builder isolated from the test process's environment and system properties. */
final class TestMesh {

  private TestMesh() {}

  static MeshClient.Builder builder() {
    return MeshClient.builder()
        .service("frontend")
        .environment(Map.of())
        .systemProperties(new Properties());
  }
}
