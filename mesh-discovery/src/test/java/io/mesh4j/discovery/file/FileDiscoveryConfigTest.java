package io.mesh4j.discovery.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.testing.LeakCheck;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The provider's keys: what is required, what is checked, and what a mistake says. */
class FileDiscoveryConfigTest {

  private static MeshClient build(String... properties) {
    MeshClient.Builder b = MeshClient.builder().service("frontend").environment(Map.of())
        .systemProperties(new Properties());
    for (int i = 0; i < properties.length; i += 2) {
      b.property(properties[i], properties[i + 1]);
    }
    return b.build();
  }

  @Test
  void aServiceUsingTheFileWithoutAPathFailsStartupNamingTheKey() {
    LeakCheck leaks = LeakCheck.snapshot();

    assertThatThrownBy(() -> build("mesh.services.orders.discovery", "file"))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.discovery.file.path: required when a service uses discovery=file");
    leaks.assertNoNewMeshThreads();
  }

  @Test
  void noPathIsNeededWhileNoServiceUsesTheFile() {
    try (MeshClient mesh = build("mesh.services.orders.endpoints", "127.0.0.1:8080")) {
      assertThat(mesh.discoveryStatus("orders")).isPresent();
    }
  }

  @Test
  void aBadPollIntervalFailsStartupSayingWhatIsExpected() {
    assertThatThrownBy(() -> build("mesh.discovery.file.path", "endpoints.json",
        "mesh.discovery.file.poll-interval", "fast", "mesh.services.orders.discovery", "file"))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.discovery.file.poll-interval=fast")
        .hasMessageContaining("a duration like 250ms");
    assertThatThrownBy(() -> build("mesh.discovery.file.path", "endpoints.json",
        "mesh.discovery.file.poll-interval", "1ms", "mesh.services.orders.discovery", "file"))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.discovery.file.poll-interval=1ms")
        .hasMessageContaining("at least 10ms");
  }

  @Test
  void anEmptyPathFailsStartupNamingTheKey() {
    assertThatThrownBy(() -> build("mesh.discovery.file.path", " ", "mesh.services.orders.discovery", "file"))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.discovery.file.path");
  }

  @Test
  void aRelativePathResolvesAgainstTheWorkingDirectory() {
    try (MeshClient mesh = build("mesh.discovery.file.path", "conf/../endpoints.json",
        "mesh.services.orders.discovery", "file")) {
      assertThat(mesh.config().get(FileDiscoveryProvider.PATH))
          .isEqualTo(Path.of(System.getProperty("user.dir"), "endpoints.json"));
    }
  }

  @Test
  void theProviderIsFoundOnTheClasspathByItsName() {
    try (MeshClient mesh = build("mesh.discovery.file.path", "no-such-endpoints.json",
        "mesh.services.orders.discovery", "file")) {
      assertThat(mesh.discoveryStatus("orders")).isPresent();
    }
  }
}
