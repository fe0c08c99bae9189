package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshException;
import io.mesh4j.time.MeshClock;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be tested honestly without a SPIRE agent (not installable here): the errors for a
 * missing socket, a bad address and a missing java-spiffe dependency.
 */
class WorkloadApiSourceTest {

  @TempDir Path dir;

  @Test
  void absentSocketFailsNamingThePath() {
    Path socket = dir.resolve("agent.sock");
    assertThatThrownBy(() -> X509Sources.workloadApi("unix:" + socket, Duration.ofSeconds(1), MeshClock.SYSTEM))
        .isInstanceOf(MeshException.class)
        .hasMessageContaining("socket " + socket + " does not exist")
        .hasMessageContaining("is the SPIRE agent running?");
  }

  @Test
  void nonUnixAddressIsRejected() {
    assertThatThrownBy(() -> X509Sources.workloadApi("tcp://127.0.0.1:8081", Duration.ofSeconds(1), MeshClock.SYSTEM))
        .hasMessageContaining("is not a unix socket path");
    assertThatThrownBy(() -> X509Sources.workloadApi(null, Duration.ofSeconds(1), MeshClock.SYSTEM))
        .hasMessageContaining("SPIFFE_ENDPOINT_SOCKET");
  }

  @Test
  void missingJavaSpiffeDependencyIsNamed() throws Exception {
    Method m = Class.forName("io.mesh4j.tls.internal.WorkloadApiSources").getDeclaredMethod("requireJavaSpiffe", ClassLoader.class);
    m.setAccessible(true);
    try (URLClassLoader bare = new URLClassLoader(new URL[0], null)) {
      assertThatThrownBy(() -> {
        try {
          m.invoke(null, bare);
        } catch (java.lang.reflect.InvocationTargetException e) {
          throw e.getCause();
        }
      }).isInstanceOf(MeshException.class).hasMessageContaining("io.spiffe:java-spiffe-core:0.8.17");
    }
  }
}
