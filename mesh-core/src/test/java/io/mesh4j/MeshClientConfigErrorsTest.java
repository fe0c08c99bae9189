package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration fails MeshClient creation with every problem named, key, file and line. */
class MeshClientConfigErrorsTest {

  @TempDir Path dir;

  private MeshConfigException startWith(String... lines) throws Exception {
    Path file = dir.resolve("mesh.properties");
    Files.writeString(file, String.join("\n", lines) + "\n");
    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                MeshClient.builder()
                    .propertiesFile(file)
                    .environment(Map.of())
                    .systemProperties(new Properties())
                    .build()
                    .close());
    assertThat(thrown).isInstanceOf(MeshConfigException.class);
    return (MeshConfigException) thrown;
  }

  private static ConfigProblem problemFor(MeshConfigException e, String key) {
    return e.problems().stream()
        .filter(p -> key.equals(p.key()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no problem for " + key + " in " + e.getMessage()));
  }

  @Test
  void everyMalformedValueIsReportedTogetherWithItsLine() throws Exception {
    MeshConfigException e =
        startWith(
            "mesh.service=frontend",
            "mesh.services.orders.timeout=fast",
            "mesh.services.orders.endpoints=127.0.0.1:8081;weight=-2",
            "mesh.services.billing.endpoints=127.0.0.1",
            "mesh.services.stock.endpoints=127.0.0.1:70000",
            "mesh.services.orders.lb=fastest");
    assertThat(e.problems()).hasSize(5);
    assertThat(problemFor(e, "mesh.services.orders.timeout").toString())
        .contains("mesh.properties:2")
        .contains("expected: a duration like 250ms");
    assertThat(problemFor(e, "mesh.services.orders.endpoints").toString())
        .contains("mesh.properties:3")
        .contains("weight -2 must be at least 1");
    assertThat(problemFor(e, "mesh.services.billing.endpoints").toString())
        .contains("mesh.properties:4")
        .contains("has no port");
    assertThat(problemFor(e, "mesh.services.stock.endpoints").toString())
        .contains("mesh.properties:5")
        .contains("port 70000 is out of range");
    assertThat(problemFor(e, "mesh.services.orders.lb").toString())
        .contains("mesh.properties:6")
        .contains("unknown load-balancing policy 'fastest'")
        .contains("peak-ewma")
        .contains("maglev");
    assertThat(e.getMessage()).contains("5 problems");
  }

  @Test
  void commonSlipsInValuesGetTheFixSuggested() throws Exception {
    MeshConfigException e =
        startWith(
            "mesh.service=frontend",
            "mesh.services.orders.timeout=2 s",
            "mesh.services.billing.timeout=1.5s",
            "mesh.services.orders.endpoints=http://127.0.0.1:8080",
            "mesh.services.orders.lb=round_robin",
            "mesh.services.billing.endpoints=localhost");
    assertThat(problemFor(e, "mesh.services.orders.timeout").message()).contains("did you mean '2s'?");
    assertThat(problemFor(e, "mesh.services.billing.timeout").message()).contains("did you mean '1500ms'?");
    assertThat(problemFor(e, "mesh.services.orders.endpoints").message())
        .contains("is a URL: write host:port without a scheme (127.0.0.1:8080)");
    assertThat(problemFor(e, "mesh.services.orders.lb").message()).contains("did you mean 'round-robin'?");
    assertThat(problemFor(e, "mesh.services.billing.endpoints").message())
        .contains("'localhost' has no port: write host:port")
        .containsOnlyOnce("expected");
  }

  @Test
  void keyOfAnotherLoadBalancingPolicyIsNotSilentlyIgnored() throws Exception {
    MeshConfigException e =
        startWith(
            "mesh.service=frontend",
            "mesh.services.orders.endpoints=127.0.0.1:8081",
            "mesh.services.orders.lb=round-robin",
            "mesh.services.orders.lb.hash-header=X-User");
    assertThat(problemFor(e, "mesh.services.orders.lb.hash-header").message())
        .contains("only used by lb=maglev or lb=ring-hash")
        .contains("this service uses lb=round-robin");
  }

  @Test
  void serviceDefinedTwiceIsAnErrorNamingBothLines() throws Exception {
    MeshConfigException e =
        startWith(
            "mesh.service=frontend",
            "mesh.services.orders.endpoints=127.0.0.1:8081",
            "mesh.services.orders.endpoints=127.0.0.1:8082");
    assertThat(e.getMessage()).contains("mesh.services.orders.endpoints").contains(":2").contains(":3");
  }

  @Test
  void endpointListedTwiceIsAnError() throws Exception {
    MeshConfigException e =
        startWith("mesh.service=frontend", "mesh.services.orders.endpoints=127.0.0.1:8081,127.0.0.1:8081");
    assertThat(problemFor(e, "mesh.services.orders.endpoints").message()).contains("listed twice");
  }

  @Test
  void misspeltKeyGetsASuggestionAndMissingServiceIsNamed() throws Exception {
    MeshConfigException e =
        startWith("mesh.services.orders.endpoints=127.0.0.1:8081", "mesh.services.orders.timout=2s");
    assertThat(problemFor(e, "mesh.services.orders.timout").message())
        .contains("did you mean 'mesh.services.orders.timeout'");
    assertThat(problemFor(e, "mesh.service").message()).contains("missing required key");
  }

  @Test
  void concernWhoseModuleIsAbsentNamesTheArtifact() throws Exception {
    // mesh-core's own tests run without mesh-tls, mesh-resilience and mesh-discovery.
    MeshConfigException e =
        startWith(
            "mesh.service=frontend",
            "mesh.tls.mode=strict",
            "mesh.services.orders.retry.max-attempts=3",
            "mesh.services.orders.discovery=dns");
    assertThat(problemFor(e, "mesh.tls.mode").message()).contains("mesh-tls");
    assertThat(problemFor(e, "mesh.services.orders.retry.max-attempts").message())
        .contains("mesh-resilience");
    assertThat(problemFor(e, "mesh.services.orders.discovery").message()).contains("mesh-discovery");
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> MeshClient.fromProperties(missing))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("nope.properties");
  }

  @Test
  void fromClasspathReadsMeshProperties() throws Exception {
    Path classes = dir.resolve("cp");
    Files.createDirectories(classes);
    Files.writeString(
        classes.resolve("mesh.properties"),
        "mesh.service=from-classpath   # inline comments work\nmesh.services.orders.endpoints=127.0.0.1:8081\n");
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (java.net.URLClassLoader loader =
        new java.net.URLClassLoader(new java.net.URL[] {classes.toUri().toURL()}, previous)) {
      Thread.currentThread().setContextClassLoader(loader);
      try (MeshClient mesh = MeshClient.fromClasspath()) {
        assertThat(mesh.config().service()).isEqualTo("from-classpath");
        assertThat(mesh.config().services()).containsOnlyKeys("orders");
      }
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  @Test
  void classLoaderAppliesToClasspathPropertiesWhateverTheCallOrder() throws Exception {
    Path classes = dir.resolve("cp2");
    Files.createDirectories(classes);
    Files.writeString(classes.resolve("other.properties"), "mesh.service=from-loader\n");
    try (java.net.URLClassLoader loader =
            new java.net.URLClassLoader(new java.net.URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        MeshClient mesh =
            MeshClient.builder()
                .classpathProperties("other.properties")
                .classLoader(loader)
                .environment(Map.of())
                .systemProperties(new Properties())
                .build()) {
      assertThat(mesh.config().service()).isEqualTo("from-loader");
    }
  }

  @Test
  void environmentAndSystemPropertiesOverrideTheFile() throws Exception {
    Path file = dir.resolve("mesh.properties");
    Files.writeString(file, "mesh.service=frontend\nmesh.services.orders.endpoints=127.0.0.1:8081\n");
    Properties sys = new Properties();
    sys.setProperty("mesh.services.orders.lb", "round-robin");
    try (MeshClient mesh =
        MeshClient.builder()
            .propertiesFile(file)
            .environment(Map.of("MESH_SERVICE", "from-env", "PATH", "/bin"))
            .systemProperties(sys)
            .build()) {
      assertThat(mesh.config().service()).isEqualTo("from-env");
      assertThat(mesh.toString()).contains("orders");
      List<String> services = List.copyOf(mesh.config().services().keySet());
      assertThat(services).containsExactly("orders");
    }
  }
}
