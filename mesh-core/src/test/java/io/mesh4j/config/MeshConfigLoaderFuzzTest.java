package io.mesh4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mesh4j.internal.runtime.Plugins;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the configuration loader as a client runs it on a random mesh.properties: the file read
 * from disk (UTF-8 or ISO-8859-1), core's whole schema and validators, no environment or system
 * properties. Loading either gives a configuration or throws {@link MeshConfigException} whose
 * every problem names a key or a location, and says something.
 */
class MeshConfigLoaderFuzzTest {

  private static final Plugins PLUGINS =
      Plugins.load(MeshConfigLoaderFuzzTest.class.getClassLoader(), List.of(), List.of(), List.of());
  private static Path dir;

  @BeforeAll
  static void directory() throws IOException {
    dir = Files.createTempDirectory("mesh4j-config-fuzz");
  }

  @AfterAll
  static void cleanUp() throws IOException {
    Files.deleteIfExists(dir.resolve("mesh.properties"));
    Files.deleteIfExists(dir);
  }

  @FuzzTest
  void load(byte[] data) throws IOException {
    Path file = Files.write(dir.resolve("mesh.properties"), data);
    MeshConfigLoader.Builder loader =
        MeshConfigLoader.builder()
            .schema(PLUGINS.schema())
            .environment(Map.of())
            .systemProperties(new Properties())
            .source(PropertySource.fromFile(file));
    PLUGINS.validators().forEach(loader::validator);
    MeshConfig config;
    try {
      config = loader.load();
    } catch (MeshConfigException e) {
      assertThat(e.problems()).isNotEmpty();
      for (ConfigProblem p : e.problems()) {
        assertThat(p.key() != null || p.location() != null)
            .as("problem names a key or a location: %s", p)
            .isTrue();
        assertThat(p.message()).as("problem message: %s", p).isNotBlank();
        if (p.location() != null && !p.location().startsWith("mesh.properties:")) {
          assertThat(p.location()).as("location of %s", p).isEqualTo("mesh.properties");
        }
      }
      assertThat(e.getMessage()).contains(e.problems().size() + " problem");
      return;
    }
    // what loads is internally consistent: every service has its keys
    assertThat(config.service()).isNotNull();
    for (ServiceConfig s : config.services().values()) {
      assertThat(s.name()).matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    }
  }
}
