package io.mesh4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dry-run check a CI pipeline runs: startup's validation, its messages, and exit codes. */
class CheckTest {

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int check(Map<String, String> env, String... args) {
    return Check.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, new Properties(),
        Thread.currentThread().getContextClassLoader());
  }

  private Path file(String name, String... lines) throws IOException {
    return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aValidFileExitsZeroNamingItsServices() throws IOException {
    Path f = file("mesh.properties", "mesh.service=frontend", "mesh.services.orders.endpoints=10.0.0.1:80");

    assertThat(check(Map.of(), f.toString())).isZero();
    assertThat(out()).contains("mesh.properties: valid (1 services: orders)");
  }

  @Test
  void anInvalidFileExitsOneWithEveryProblemAsStartupWordsIt() throws IOException {
    Path f = file("mesh.properties", "mesh.service=frontend", "mesh.services.orders.endpoints=10.0.0.1:80",
        "mesh.services.orders.timout=2s", "mesh.services.orders.lb=fastest");

    assertThat(check(Map.of(), f.toString())).isEqualTo(1);
    assertThat(err())
        .contains("invalid mesh4j configuration (2 problems)")
        .contains("mesh.services.orders.timout=2s (mesh.properties:3): unknown key, did you mean 'mesh.services.orders.timeout'?")
        .contains("mesh.services.orders.lb=fastest (mesh.properties:4): unknown load-balancing policy 'fastest'");
  }

  @Test
  void withTheRunningFileItPrintsWhatAReloadWouldChange() throws IOException {
    Path running = file("running.properties", "mesh.service=frontend", "mesh.services.orders.endpoints=10.0.0.1:80",
        "mesh.services.payments.endpoints=10.0.0.2:80");
    Path next = file("mesh.properties", "mesh.service=backend", "mesh.services.orders.endpoints=10.0.0.1:80",
        "mesh.services.orders.timeout=2s", "mesh.services.users.endpoints=10.0.0.3:80");

    assertThat(check(Map.of(), next.toString(), running.toString())).isZero();
    assertThat(out())
        .contains("services added: users")
        .contains("services removed: payments")
        .contains("service orders updated: timeout")
        .contains("needs a restart (running values kept): mesh.service");
  }

  @Test
  void environmentOverridesCountUnlessAskedNotTo() throws IOException {
    Path f = file("mesh.properties", "mesh.service=frontend", "mesh.services.orders.endpoints=10.0.0.1:80");
    Map<String, String> env = Map.of("MESH_SERVICES_ORDERS_TIMEOUT", "soon");

    assertThat(check(env, f.toString())).isEqualTo(1);
    assertThat(err()).contains("MESH_SERVICES_ORDERS_TIMEOUT");
    assertThat(check(env, "--no-env", f.toString())).isZero();
  }

  @Test
  void aMissingFileOrBadArgumentsSayWhat() throws IOException {
    assertThat(check(Map.of(), dir.resolve("nope.properties").toString())).isEqualTo(1);
    assertThat(err()).contains("nope.properties").contains("no such file");
    assertThat(check(Map.of())).isEqualTo(2);
    assertThat(check(Map.of(), "--verbose", "x")).isEqualTo(2);
    assertThat(err()).contains("usage: java -cp <classpath> io.mesh4j.config.Check");
  }
}
